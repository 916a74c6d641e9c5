using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>
/// One unit's restore, family-neutral: claim → skip if already restored → Running → preRestore → restic →
/// postRestore → final entry, Event and metrics; stopped by a signal, the deadline or a lost claim; the
/// final entry's write failing.
/// </summary>
public sealed class UnitRestorePipelineTests
{
    private const string Password = "correct-horse-battery";

    private const string ApiDown =
        "could not write status of host \"host-2\" to RestoreSession demo/sts-restore in 7 attempts (180.2s): patch restoresessions.stash.appscode.com \"sts-restore\" in namespace \"demo\": connection refused";

    private static readonly HookSpec Hook = new() { Exec = new ExecAction { Command = ["/bin/true"] } };

    [Fact]
    public async Task A_unit_is_claimed_marked_Running_hooked_restored_and_recorded_Succeeded_in_that_order()
    {
        var rig = new Rig { PreRestore = Hook, PostRestore = Hook };

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.Success, UnitPhase.Succeeded, (string?)null), (outcome.ExitCode, outcome.Phase, outcome.Error));
        Assert.Equal(
            ["claim host-2", "read phase", "write Running", "hook PreRestore", "record PreRestore", "restic", "hook PostRestore", "record PostRestore", "write Succeeded", "release host-2"],
            rig.Steps.Steps);
        Assert.Equal("3 file(s), 300 byte(s) restored, 0 unchanged file(s) skipped, 1 dir(s)", outcome.Summary);
        Assert.Matches(@"^\d+(\.\d+)?(ns|µs|ms|s)$", rig.Status.Entries[^1].Duration);
        var restored = Assert.Single(rig.Events.Events);
        Assert.Equal((RestoreEventType.Normal, "UnitRestored"), (restored.Type, restored.Reason));
        Assert.Matches(@"^Restored host ""host-2"" by rule 0 in \S+: 3 file\(s\), 300 byte\(s\) restored, 0 unchanged file\(s\) skipped, 1 dir\(s\)$", restored.Message);
        Assert.Matches(@"^Information: Restoring host ""host-2"" by rule 0 \(1 restic call\(s\), restic ""?0\.18\.0""?\)$", rig.Log.Lines[0]);
        var report = Assert.Single(rig.Metrics.Reports);
        Assert.Equal(("host-2", UnitPhase.Succeeded, 3L, 300L, (string?)null), (report.Unit, report.Phase, report.FilesRestored, report.BytesRestored, report.Error));
    }

    [Fact]
    public async Task A_unit_already_Succeeded_is_skipped_without_Running_hooks_or_restic()
    {
        var rig = new Rig { Phase = UnitPhase.Succeeded, PreRestore = Hook, PostRestore = Hook };

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.Success, UnitPhase.Succeeded, "already restored"), (outcome.ExitCode, outcome.Phase, outcome.Summary));
        Assert.Equal(["claim host-2", "read phase", "release host-2"], rig.Steps.Steps);
        Assert.Empty(rig.Events.Events);
        Assert.Contains("Information: host \"host-2\" is already restored (status Succeeded); nothing to do", rig.Log.Lines);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(UnitPhase.Running, false)]
    [InlineData(UnitPhase.Failed, true)]
    public async Task Only_a_unit_that_failed_before_is_resumed(string? previous, bool resume)
    {
        var rig = new Rig { Phase = previous };

        await rig.RunAsync();

        Assert.Equal(resume, Assert.Single(rig.Restic.PlannedOptions).Resume);
    }

    [Fact]
    public async Task A_restic_failure_records_Failed_exits_1_and_the_postRestore_hook_sees_it_masked()
    {
        var rig = new Rig { PostRestore = Hook with { ExecutionPolicy = HookPolicy.OnFailure } };
        rig.Restic.OnRun = _ => throw new RestoreFailedException($"restic: wrong password {Password}");

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.RestoreFailed, UnitPhase.Failed, "restic: wrong password ***"), (outcome.ExitCode, outcome.Phase, outcome.Error));
        Assert.Equal([UnitPhase.Running, UnitPhase.Failed], rig.Status.Entries.Select(e => e.Phase));
        Assert.Equal("restic: wrong password ***", rig.Status.Entries[^1].Error);
        var seen = Assert.Single(rig.Hooks.Calls).Outcome!;
        Assert.Equal((UnitPhase.Failed, "restic: wrong password ***"), (seen.Phase, seen.Error));
        var failed = Assert.Single(rig.Events.Events);
        Assert.Equal((RestoreEventType.Warning, "UnitFailed", "Failed to restore host \"host-2\": restic: wrong password ***"), (failed.Type, failed.Reason, failed.Message));
        Assert.Contains(rig.Log.Lines, l => l.StartsWith("Error: Restore of host \"host-2\" failed after ", StringComparison.Ordinal) && l.EndsWith(": restic: wrong password ***", StringComparison.Ordinal));
        Assert.DoesNotContain(Password, rig.Log.Text);
        Assert.Equal((UnitPhase.Failed, 0L), (rig.Metrics.Reports.Single().Phase, rig.Metrics.Reports.Single().FilesRestored));
    }

    [Fact]
    public async Task A_failed_preRestore_hook_never_runs_restic_and_fails_the_unit()
    {
        var rig = new Rig { PreRestore = Hook };
        rig.Hooks.Answer = _ => new HookResult(false, $"exit code 1: psql: password {Password} refused");

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.RestoreFailed, "preRestore hook failed: exit code 1: psql: password *** refused"), (outcome.ExitCode, outcome.Error));
        Assert.Equal(0, rig.Restic.Runs);
        Assert.Equal((HookStage.PreRestore, false), (rig.Status.Hooks.Single().Stage, rig.Status.Hooks.Single().Result.Succeeded));
        Assert.Equal(UnitPhase.Failed, rig.Status.Entries[^1].Phase);
    }

    [Fact]
    public async Task A_failed_postRestore_hook_after_a_good_restore_fails_the_unit_and_says_the_data_was_restored()
    {
        var rig = new Rig { PostRestore = Hook };
        rig.Hooks.Answer = _ => new HookResult(false, "exit code 2");

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.RestoreFailed, "postRestore hook failed: exit code 2 (the data was restored)"), (outcome.ExitCode, rig.Status.Entries[^1].Error));
    }

    [Fact]
    public async Task An_unexpected_error_after_Running_is_recorded_Failed_with_its_own_exit_code()
    {
        var rig = new Rig();
        rig.Restic.OnRun = _ => throw new DependencyUnavailableException("nice not found on PATH");

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.DependencyUnavailable, "nice not found on PATH"), (outcome.ExitCode, outcome.Error));
        Assert.Equal([UnitPhase.Running, UnitPhase.Failed], rig.Status.Entries.Select(e => e.Phase));
    }

    [Fact]
    public async Task Sigterm_during_restic_records_it_skips_the_postRestore_hook_and_exits_143()
    {
        var rig = new Rig { PostRestore = Hook };
        using var signal = new CancellationTokenSource();
        rig.Restic.OnRun = async ct =>
        {
            rig.Interruption.Record("terminated by SIGTERM", ExitCodes.Terminated);
            await signal.CancelAsync();
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };

        var outcome = await rig.RunAsync(signal.Token);

        Assert.Equal((ExitCodes.Terminated, UnitPhase.Failed, "terminated by SIGTERM"), (outcome.ExitCode, outcome.Phase, outcome.Error));
        Assert.Equal(new UnitStatusEntry(UnitPhase.Failed, rig.Status.Entries[^1].Duration, "terminated by SIGTERM"), rig.Status.Entries[^1]);
        Assert.Empty(rig.Hooks.Calls);
        Assert.Contains("Warning: The postRestore hook is not run: terminated by SIGTERM", rig.Log.Lines);
        Assert.Equal("release host-2", rig.Steps.Steps[^1]);
    }

    [Fact]
    public async Task The_deadline_stops_restic_and_names_its_last_error()
    {
        var clock = new ManualTimers();
        var rig = new Rig { Clock = clock, Deadline = DateTimeOffset.UtcNow.AddHours(1) };
        IReadOnlyList<TimeSpan>? armed = null;
        rig.Restic.OnRun = async ct =>
        {
            armed = clock.Armed;
            clock.FireArmed();
            try
            {
                await StopWait.UntilStoppedAsync(ct);
            }
            catch (OperationCanceledException)
            {
                // What the runner throws when it stops restic: restic's last complaint with it.
                throw new ResticStoppedException("restic stopped", "Load(<config/0000000000>) returned error, retrying: dial tcp 127.0.0.1:9: connection refused", ct);
            }
            return null!;
        };

        var outcome = await rig.RunAsync();

        var deadline = Assert.Single(armed!);
        Assert.InRange(deadline, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(60));
        Assert.Equal((ExitCodes.RestoreFailed, UnitPhase.Failed), (outcome.ExitCode, outcome.Phase));
        Assert.Equal("deadline exceeded; restic was stopped (its last error, retried until then: Load(<config/0000000000>) returned error, retrying: dial tcp 127.0.0.1:9: connection refused)", outcome.Error);
    }

    [Fact]
    public async Task Losing_the_claim_to_another_executor_stops_restic_and_fails_the_unit()
    {
        var rig = new Rig { PostRestore = Hook };
        rig.Restic.OnRun = async ct =>
        {
            await rig.Claims.LoseIt.CancelAsync();
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.RestoreFailed, "lost the claim on this unit to another executor; restic was stopped"), (outcome.ExitCode, outcome.Error));
        Assert.Equal(UnitPhase.Failed, rig.Status.Entries[^1].Phase);
        Assert.Empty(rig.Hooks.Calls);
    }

    [Fact]
    public async Task Running_that_cannot_be_written_stops_the_run_before_any_hook_or_restic()
    {
        var rig = new Rig { PreRestore = Hook };
        rig.Status.BeforeWrite = (_, _) => throw new DependencyUnavailableException(ApiDown);

        var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() => rig.RunAsync());

        Assert.Equal(ApiDown, e.Message);
        Assert.Equal((0, 0), (rig.Restic.Runs, rig.Hooks.Calls.Count));
        Assert.Equal("release host-2", rig.Steps.Steps[^1]);
    }

    [Fact]
    public async Task The_final_write_of_a_run_nothing_stopped_is_bounded_only_by_the_transport()
    {
        var clock = new ManualTimers();
        var rig = new Rig { Clock = clock };
        IReadOnlyList<TimeSpan>? armedAtFinalWrite = null;
        rig.Status.BeforeWrite = (entry, _) =>
        {
            if (entry.Phase != UnitPhase.Running)
                armedAtFinalWrite = clock.Armed;
            return Task.CompletedTask;
        };

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.Success, UnitPhase.Succeeded), (outcome.ExitCode, rig.Status.Entries[^1].Phase));
        Assert.NotNull(armedAtFinalWrite);
        Assert.Empty(armedAtFinalWrite);
    }

    [Fact]
    public async Task The_final_write_after_SIGTERM_has_8_seconds()
    {
        var clock = new ManualTimers();
        var rig = new Rig { Clock = clock };
        using var signal = new CancellationTokenSource();
        rig.Restic.OnRun = async ct =>
        {
            rig.Interruption.Record("terminated by SIGTERM", ExitCodes.Terminated);
            await signal.CancelAsync();
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };
        IReadOnlyList<TimeSpan>? armedAtFinalWrite = null;
        rig.Status.BeforeWrite = (entry, _) =>
        {
            if (entry.Phase != UnitPhase.Running)
                armedAtFinalWrite = clock.Armed;
            return Task.CompletedTask;
        };

        var outcome = await rig.RunAsync(signal.Token);

        Assert.Equal((ExitCodes.Terminated, "terminated by SIGTERM"), (outcome.ExitCode, rig.Status.Entries[^1].Error));
        Assert.Contains(TimeSpan.FromSeconds(8), armedAtFinalWrite!);
    }

    [Fact]
    public async Task A_restored_unit_whose_Succeeded_cannot_be_written_exits_3_with_one_line_saying_the_data_is_in_place()
    {
        var rig = new Rig();
        rig.Status.BeforeWrite = (entry, _) => entry.Phase == UnitPhase.Running ? Task.CompletedTask : throw new DependencyUnavailableException(ApiDown);

        var e = await Assert.ThrowsAsync<StatusNotRecordedException>(() => rig.RunAsync());

        Assert.Equal(ExitCodes.DependencyUnavailable, e.ExitCode);
        Assert.Matches(@"^could not record host ""host-2"" Succeeded after (\d+m)?\d+s of retries: could not write status of host ""host-2"" .*: connection refused; the restored data is in place$", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(rig.Events.Events);
    }

    [Fact]
    public async Task A_failed_unit_whose_Failed_cannot_be_written_names_its_error_and_that_the_restore_had_failed()
    {
        var rig = new Rig();
        rig.Restic.OnRun = _ => throw new RestoreFailedException($"restic: wrong password {Password}");
        rig.Status.BeforeWrite = (entry, _) => entry.Phase == UnitPhase.Running ? Task.CompletedTask : throw new DependencyUnavailableException(ApiDown);

        var e = await Assert.ThrowsAsync<StatusNotRecordedException>(() => rig.RunAsync());

        Assert.Equal(ExitCodes.DependencyUnavailable, e.ExitCode);
        Assert.StartsWith("could not record host \"host-2\" Failed (restic: wrong password ***) after ", e.Message);
        Assert.EndsWith("connection refused; the restore had failed", e.Message);
    }

    [Fact]
    public async Task A_write_cut_by_the_8_seconds_after_SIGTERM_keeps_exit_143_and_says_so()
    {
        var rig = new Rig();
        using var signal = new CancellationTokenSource();
        rig.Restic.OnRun = async ct =>
        {
            rig.Interruption.Record("terminated by SIGTERM", ExitCodes.Terminated);
            await signal.CancelAsync();
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };
        rig.Status.BeforeWrite = (entry, _) => entry.Phase == UnitPhase.Running ? Task.CompletedTask : throw new OperationCanceledException();

        var e = await Assert.ThrowsAsync<StatusNotRecordedException>(() => rig.RunAsync(signal.Token));

        Assert.Equal(ExitCodes.Terminated, e.ExitCode);
        Assert.Equal("could not record host \"host-2\" Failed (terminated by SIGTERM) within the 8s a stopped run has: no answer in time; the restore had failed", e.Message);
    }

    [Fact]
    public async Task A_Pushgateway_away_is_a_warning_and_the_restore_still_succeeds()
    {
        var rig = new Rig { Metrics = new RecordingMetrics { Fail = new HttpRequestException("Connection refused (127.0.0.1:9091)") } };

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.Success, UnitPhase.Succeeded), (outcome.ExitCode, rig.Status.Entries[^1].Phase));
        Assert.Contains("Warning: Could not push metrics: \"Connection refused (127.0.0.1:9091)\"", rig.Log.Lines);
    }

    [Fact]
    public async Task Progress_reaches_the_live_view_as_restic_reports_it()
    {
        var live = new RecordingLiveProgress();
        var rig = new Rig { LiveProgress = live };
        rig.Restic.OnRun = _ =>
        {
            rig.Restic.Progress!.Report(new UnitProgress(1, 0.5, 10, 5, 1000, 500));
            return Task.FromResult(new ResticRestoreSummary(3, 0, 300, 0) { DirectoriesRestored = 1 });
        };

        await rig.RunAsync();

        Assert.Equal("host-2", live.Unit!.Name);
        Assert.Equal(500, Assert.Single(live.Shown).BytesDone);
    }

    [Theory]
    [InlineData(1L, null, "5 file(s), 15 byte(s) restored, 2 unchanged file(s) skipped, 1 dir(s)")]
    [InlineData(null, null, "5 file(s)/dir(s), 15 byte(s) restored, 2 unchanged file(s) skipped")]
    [InlineData(4L, 3L, "5 file(s), 15 byte(s) restored, 2 unchanged file(s) skipped, 4 dir(s), 3 file(s) deleted")]
    public void The_summary_counts_files_dirs_and_mirror_deletions(long? directories, long? deleted, string expected)
    {
        var summary = new ResticRestoreSummary(5, 2, 15, 0) { DirectoriesRestored = directories, FilesDeleted = deleted };

        Assert.Equal(expected, UnitRestorePipeline.Describe(summary));
    }

    /// <summary>The live view: keeps what it was shown.</summary>
    private sealed class RecordingLiveProgress : ILiveProgress
    {
        public RestoreUnit? Unit { get; private set; }
        public List<UnitProgress> Shown { get; } = [];

        public Task<T> ShowAsync<T>(RestoreUnit unit, Func<IProgress<UnitProgress>, Task<T>> restore)
        {
            Unit = unit;
            return restore(new Progress(Shown));
        }

        private sealed class Progress(List<UnitProgress> shown) : IProgress<UnitProgress>
        {
            public void Report(UnitProgress value) => shown.Add(value);
        }
    }

    /// <summary>The pipeline with fakes around it, restoring host-2 by rule 0; every fake notes its steps in <see cref="Steps"/>.</summary>
    private sealed class Rig
    {
        public Rig()
        {
            Status = new RecordingUnitStatus { Steps = Steps };
            Claims = new LosableClaims { Steps = Steps };
            Restic.OnRun = _ =>
            {
                Steps.Add("restic");
                return Task.FromResult(new ResticRestoreSummary(3, 0, 300, 0) { DirectoriesRestored = 1 });
            };
            Hooks.WhileRunning = (context, _) =>
            {
                Steps.Add($"hook {context.Stage}");
                return Task.CompletedTask;
            };
            Masker.Add(Password);
        }

        public StepJournal Steps { get; } = new();
        public FakeResticRestore Restic { get; } = new();
        public FakeHookExecutor Hooks { get; } = new();
        public RecordingUnitStatus Status { get; private set; }
        public RecordingEvents Events { get; } = new();
        public LosableClaims Claims { get; }
        public RecordingMetrics Metrics { get; init; } = new();
        public Interruption Interruption { get; } = new();
        public SecretMasker Masker { get; } = new();
        public CollectingSink Log { get; } = new();
        public TimeProvider Clock { get; init; } = TimeProvider.System;
        public ILiveProgress? LiveProgress { get; init; }

        public string? Phase
        {
            init => Status = new RecordingUnitStatus { Steps = Steps, Phase = value };
        }

        public HookSpec? PreRestore { get; init; }
        public HookSpec? PostRestore { get; init; }
        public DateTimeOffset? Deadline { get; init; }

        public Task<UnitOutcome> RunAsync(CancellationToken cancellationToken = default)
        {
            ILogger log = Log.Logger();
            var parts = new RestoreParts<IUnitStatus>(Restic, Hooks, Status, Events, Claims, Metrics, Masker, log, Clock) { LiveProgress = LiveProgress };
            var unit = new RestoreUnit("host", "host-2");
            var location = new BackendLocation { Owner = "Repository demo/repo", Local = new LocalBackend("/repo", null) };
            var request = new ResticRestoreRequest(location, new Dictionary<string, string> { ["RESTIC_PASSWORD"] = Password }, [ResticSelection.LatestOf("/data", "host-2")], [], []);
            var job = new UnitRestoreJob(unit, request, new ResticRestoreOptions("/", "/tmp/scratch", true, null, null), "by rule 0",
                new UnitHooks(PreRestore, PostRestore, new HookContext(HookStage.PreRestore, "demo", "sts-restore", "host-2", null)), Deadline,
                new UnitEventReasons("UnitRestored", "UnitFailed"));
            return new UnitRestorePipeline(parts, Interruption).RestoreAsync(job, log, cancellationToken);
        }
    }
}
