using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Families.Stash;

public class HostStatusUpsertsTests
{
    private static HostRestoreStats Entry(string host, string phase, string? error = null) =>
        new() { Hostname = host, Phase = phase, Duration = "1s", Error = error };

    [Fact]
    public void Upsert_replaces_only_this_hosts_entry_and_keeps_the_others_in_place()
    {
        var status = new RestoreSessionStatus { Phase = "Running", TotalHosts = 3, Stats = [Entry("host-0", "Succeeded"), Entry("host-1", "Running"), Entry("host-2", "Failed", "x")] };
        var updated = HostStatusUpserts.UpsertHost(status, Entry("host-1", "Failed", "boom"));
        var stats = updated.Stats!;
        Assert.Equal(["host-0", "host-1", "host-2"], stats.Select(s => s.Hostname));
        Assert.Equal(("Failed", "boom"), (stats[1].Phase, stats[1].Error));
        Assert.Equal(("Running", 3), (updated.Phase, updated.TotalHosts));
    }

    [Fact]
    public void Upsert_appends_a_new_host() =>
        Assert.Equal(["host-0", "host-4"], HostStatusUpserts.UpsertHost(new RestoreSessionStatus { Stats = [Entry("host-0", "Succeeded")] }, Entry("host-4", "Running")).Stats!.Select(s => s.Hostname));

    [Fact]
    public void A_false_condition_is_not_overwritten_by_another_hosts_success()
    {
        var failed = new Condition { Type = "PreRestoreHookExecutionSucceeded", Status = "False", Message = "host \"host-1\": failed" };
        var succeeded = failed with { Status = "True", Message = "host \"host-2\": ok" };
        var status = HostStatusUpserts.UpsertCondition(null, failed);
        status = HostStatusUpserts.UpsertCondition(status, succeeded);
        var condition = Assert.Single(status.Conditions!);
        Assert.Equal("False", condition.Status);
        Assert.Contains("host-1", condition.Message);
    }

    [Fact]
    public void A_failure_replaces_an_earlier_success()
    {
        var ok = new Condition { Type = "PostRestoreHookExecutionSucceeded", Status = "True" };
        var status = HostStatusUpserts.UpsertCondition(HostStatusUpserts.UpsertCondition(null, ok), ok with { Status = "False" });
        Assert.Equal("False", Assert.Single(status.Conditions!).Status);
    }
}
