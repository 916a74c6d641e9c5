using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>The host a pod of Stash's restore Job restores, as Stash's own executor works it out.</summary>
public sealed class JobHostTests
{
    private static PodIdentity Pod(string? ordinal = null) => new("stash-restore-pvc-0-x2x", "demo", "node-1", ordinal, "stash-restore-pvc-0-x2x");

    private static RestoreTarget PvcTarget(string? alias = null) =>
        new() { Ref = new TargetReference { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Name = "data" }, Alias = alias };

    private static RestoreTarget ClaimTemplates(string? alias = null) =>
        new() { Alias = alias, Replicas = 3, VolumeClaimTemplates = [new JsonObject { ["metadata"] = new JsonObject { ["name"] = "data-db" } }] };

    [Theory]
    [InlineData(null, null, "host-0")]
    [InlineData("pvc", null, "pvc")]
    [InlineData(null, "restored", "restored")]
    [InlineData("pvc", "other", "other")]
    public void The_host_of_a_pvc_is_the_alias_or_host_0_and_hostname_stands_in_for_the_alias(string? alias, string? hostname, string expected) =>
        Assert.Equal(expected, JobHost.Resolve(PvcTarget(alias), Pod(), hostname));

    [Theory]
    [InlineData(null, null, "host-2")]
    [InlineData("db", null, "db-2")]
    // Stash passes the alias as --hostname; its executor still adds the ordinal.
    [InlineData("db", "db", "db-2")]
    public void Claim_templates_with_replicas_add_POD_ORDINAL(string? alias, string? hostname, string expected) =>
        Assert.Equal(expected, JobHost.Resolve(ClaimTemplates(alias), Pod(ordinal: "2"), hostname));

    [Fact]
    public void Claim_templates_with_replicas_and_no_POD_ORDINAL_are_invalid_input() =>
        Assert.Throws<InvalidInputException>(() => JobHost.Resolve(ClaimTemplates(), Pod(), null));
}
