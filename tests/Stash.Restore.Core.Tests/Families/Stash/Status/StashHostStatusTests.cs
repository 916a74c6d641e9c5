using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>A Stash host's status as the engine writes it: its own <c>status.stats[]</c> entry, its hook conditions, its progress line.</summary>
public sealed class StashHostStatusTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly HostRestoreStats OtherHost = new() { Hostname = "host-0", Phase = HostPhase.Succeeded, Duration = "3s" };

    [Fact]
    public async Task Writes_go_to_the_hosts_own_entry_and_leave_the_other_hosts_alone()
    {
        var store = new InMemoryHostStatus(new RestoreSessionStatus { Phase = "Running", Stats = [OtherHost] });
        var status = new StashHostStatus(store, "host-1", TimeProvider.System, progressLog: null);

        Assert.Null(await status.GetPhaseAsync(CancellationToken.None));
        await status.WriteAsync(new UnitStatusEntry(UnitPhase.Running, null), CancellationToken.None);
        Assert.Equal(HostPhase.Running, await status.GetPhaseAsync(CancellationToken.None));
        await status.WriteAsync(new UnitStatusEntry(UnitPhase.Failed, "1.2s", "restic exited 1: wrong password"), CancellationToken.None);

        Assert.Equal(
            [("host-0", HostPhase.Succeeded, "3s", null), ("host-1", HostPhase.Failed, "1.2s", "restic exited 1: wrong password")],
            store.Current!.Stats!.Select(s => (s.Hostname, s.Phase, s.Duration, s.Error)));
        Assert.Equal("Running", store.Current.Phase);
    }

    [Fact]
    public async Task A_hook_outcome_becomes_the_sessions_condition_naming_the_host()
    {
        var store = new InMemoryHostStatus(null);
        var status = new StashHostStatus(store, "db-2", new FixedTime(new DateTimeOffset(2026, 11, 21, 10, 0, 5, TimeSpan.Zero)), progressLog: null);

        await status.RecordHookAsync(HookStage.PostRestore, new HookResult(false, "exit code 3"), CancellationToken.None);

        var condition = Assert.Single(store.Current!.Conditions!);
        Assert.Equal(("PostRestoreHookExecutionSucceeded", "False", "host \"db-2\": postRestore hook failed: exit code 3", "2026-11-21T10:00:05Z"),
            (condition.Type, condition.Status, condition.Message, condition.LastTransitionTime));
        Assert.Null(store.Current.Stats);
    }

    [Fact]
    public void The_progress_line_tells_unchanged_files_skipped_when_there_are_any()
    {
        var progress = new UnitProgress(SecondsElapsed: 10, Fraction: 0.5, TotalFiles: 4000, FilesDone: 1500, TotalBytes: 20 * 1024 * 1024, BytesDone: 10 * 1024 * 1024);

        Assert.Equal("50.00% (10.0 MiB of 20.0 MiB, 1,500 of 4,000 files/dirs, 1.0 MiB/s)", StashHostStatus.Describe(progress));
        Assert.Equal("50.00% (10.0 MiB of 20.0 MiB, 1,500 of 4,000 files/dirs, 1.0 MiB/s, 1,200 unchanged files skipped)",
            StashHostStatus.Describe(progress with { FilesSkipped = 1200 }));
    }
}
