using Stash.Restore.Core.Families.Stash;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>
/// The status an offline run without <c>--status-file</c> keeps and prints at the end: the session's
/// status as read, with this run's host entry and conditions written into it.
/// </summary>
public sealed class InMemoryHostStatusTests
{
    private static readonly HostRestoreStats OtherHost = new() { Hostname = "host-0", Phase = HostPhase.Succeeded, Duration = "3s" };

    [Fact]
    public async Task A_host_entry_is_added_then_replaced_in_place_and_read_back_the_other_hosts_kept()
    {
        var store = new InMemoryHostStatus(new RestoreSessionStatus { Phase = "Running", TotalHosts = 2, Stats = [OtherHost] });

        Assert.Null(await store.GetAsync("host-1", CancellationToken.None));
        await store.UpsertAsync(new() { Hostname = "host-1", Phase = HostPhase.Running }, CancellationToken.None);
        await store.UpsertAsync(new() { Hostname = "host-1", Phase = HostPhase.Succeeded, Duration = "2.5s" }, CancellationToken.None);

        Assert.Equal(new HostRestoreStats { Hostname = "host-1", Phase = HostPhase.Succeeded, Duration = "2.5s" }, await store.GetAsync("host-1", CancellationToken.None));
        Assert.Equal([("host-0", HostPhase.Succeeded), ("host-1", HostPhase.Succeeded)], store.Current!.Stats!.Select(s => (s.Hostname, s.Phase)));
        Assert.Equal(("Running", 2), (store.Current.Phase, store.Current.TotalHosts));
    }

    [Fact]
    public async Task A_condition_is_set_on_a_session_that_had_no_status_and_no_host_entry_appears()
    {
        var store = new InMemoryHostStatus(null);
        Assert.Null(store.Current);

        await store.SetConditionAsync(new Condition { Type = "PreRestoreHookExecutionSucceeded", Status = "False", Message = "host \"host-1\": exit code 2" }, CancellationToken.None);

        var condition = Assert.Single(store.Current!.Conditions!);
        Assert.Equal(("PreRestoreHookExecutionSucceeded", "False", "host \"host-1\": exit code 2"), (condition.Type, condition.Status, condition.Message));
        Assert.Null(store.Current.Stats);
    }
}
