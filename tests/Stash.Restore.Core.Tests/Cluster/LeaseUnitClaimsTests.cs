using k8s.Models;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Cluster;

public sealed class LeaseUnitClaimsTests
{
    [Fact]
    public void A_valid_short_name_is_used_as_is()
    {
        Assert.Equal("stash-restore-sample-restore-host-0", LeaseUnitClaims.LeaseName("sample-restore", "host-0", StashObjects.ClaimScope));
    }

    [Fact]
    public void Names_that_must_change_are_sanitised_and_hashed_so_they_stay_distinct()
    {
        var underscore = LeaseUnitClaims.LeaseName("s", "node_a", StashObjects.ClaimScope);
        var dot = LeaseUnitClaims.LeaseName("s", "node.a", StashObjects.ClaimScope);
        var upper = LeaseUnitClaims.LeaseName("s", "Node-A", StashObjects.ClaimScope);

        foreach (var name in new[] { underscore, dot, upper })
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
        Assert.StartsWith("stash-restore-s-node-a-", underscore);
        Assert.Equal(3, new[] { underscore, dot, upper }.Distinct().Count());
    }

    [Fact]
    public void Long_names_are_cut_to_63_characters_with_a_hash()
    {
        var host = "worker-node-" + new string('x', 80);
        var a = LeaseUnitClaims.LeaseName("restore-session-with-a-long-name", host, StashObjects.ClaimScope);
        var b = LeaseUnitClaims.LeaseName("restore-session-with-a-long-name", host + "y", StashObjects.ClaimScope);

        Assert.True(a.Length <= 63, a);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Expiry_is_renew_time_plus_duration()
    {
        var spec = new V1LeaseSpec { HolderIdentity = "pod-a", RenewTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), LeaseDurationSeconds = 15 };
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(LeaseUnitClaims.IsExpired(spec, start.AddSeconds(14)));
        Assert.True(LeaseUnitClaims.IsExpired(spec, start.AddSeconds(16)));
        Assert.True(LeaseUnitClaims.IsExpired(new V1LeaseSpec { HolderIdentity = "pod-a", LeaseDurationSeconds = 15 }, start));
    }

    [Fact]
    public void Holder_identity_is_unique_per_process_and_names_the_pod()
    {
        var a = LeaseUnitClaims.NewHolderIdentity("web-5d8f-abc");
        var b = LeaseUnitClaims.NewHolderIdentity("web-5d8f-abc");

        Assert.StartsWith("web-5d8f-abc_", a);
        Assert.NotEqual(a, b);
    }
}
