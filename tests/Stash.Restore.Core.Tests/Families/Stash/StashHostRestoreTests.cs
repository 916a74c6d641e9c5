using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Tests.Fakes;
using Stash.Restore.Core;

namespace Stash.Restore.Core.Tests.Families.Stash;

public class StashHostRestoreTests
{
    private static readonly HookSpec ExecHook = new() { Exec = new ExecAction { Command = ["/bin/true"] } };

    [Fact]
    public async Task Restores_and_records_running_then_succeeded_with_a_go_duration_and_an_event()
    {
        var rig = new PipelineRig();
        var outcome = await rig.RunAsync(podName: "db-3");

        Assert.Equal((ExitCodes.Success, HostPhase.Succeeded, "host-3"), (outcome.ExitCode, outcome.Phase, outcome.Unit.Name));
        Assert.Equal(1, rig.Restic.Runs);
        Assert.Equal("host-1", rig.Restic.PlannedRequests.Single().Selections.Single().Host);
        Assert.Equal([HostPhase.Running, HostPhase.Succeeded], rig.Status.Writes.Select(w => w.Phase));
        Assert.All(rig.Status.Writes, w => Assert.Equal("host-3", w.Hostname));
        Assert.Matches(@"^\d+(\.\d+)?(ns|µs|ms|s)$", rig.Status.Writes[^1].Duration);
        Assert.Null(rig.Status.Writes[^1].Error);
        var restoreEvent = Assert.Single(rig.Events.Events);
        Assert.Equal((RestoreEventType.Normal, "HostRestoreSucceeded"), (restoreEvent.Type, restoreEvent.Reason));
        Assert.Contains("host-3", restoreEvent.Message);
        Assert.Contains("3 file(s), 300 byte(s)", restoreEvent.Message);
    }

    [Fact]
    public async Task No_matching_rule_restores_nothing_and_records_the_real_host_as_succeeded()
    {
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { Target = s.Target! with { Rules = [new RestoreRule { TargetHosts = ["host-3"], Paths = ["/data"] }] } });
        var outcome = await rig.RunAsync(podName: "db-0");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal(0, rig.Restic.Runs);
        var entry = Assert.Single(rig.Status.Current!.Stats!);
        Assert.Equal(("host-0", HostPhase.Succeeded), (entry.Hostname, entry.Phase));
        Assert.Contains(rig.Events.Events, e => e.Reason == "NoRuleMatched" && e.Message.Contains("host-0"));
    }

    [Fact]
    public async Task Restic_failure_is_recorded_failed_and_exits_1()
    {
        var rig = new PipelineRig();
        rig.Restic.OnRun = _ => throw new RestoreFailedException("restic: wrong password for repository local:/repo");
        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.RestoreFailed, HostPhase.Failed), (outcome.ExitCode, outcome.Phase));
        Assert.Equal("restic: wrong password for repository local:/repo", rig.Status.Current!.Stats!.Single().Error);
        Assert.Contains(rig.Events.Events, e => e.Type == RestoreEventType.Warning && e.Message.Contains("wrong password"));
    }

    [Theory]
    [InlineData("nice")]
    [InlineData("io")]
    public async Task An_unexpected_error_after_running_is_recorded_failed_never_left_running(string kind)
    {
        var rig = new PipelineRig();
        rig.Restic.OnRun = _ => kind == "nice"
            ? throw new DependencyUnavailableException("nice not found on PATH")
            : throw new UnauthorizedAccessException("Access to the path '/restore/data' is denied.");
        var outcome = await rig.RunAsync();

        Assert.Equal(kind == "nice" ? ExitCodes.DependencyUnavailable : ExitCodes.RestoreFailed, outcome.ExitCode);
        var entry = rig.Status.Current!.Stats!.Single();
        Assert.Equal(HostPhase.Failed, entry.Phase);
        Assert.Contains(kind == "nice" ? "nice not found" : "is denied", entry.Error);
    }

    [Fact]
    public async Task A_host_already_succeeded_is_skipped_without_running_restic()
    {
        var rig = new PipelineRig { Status = new RecordingStatusStore(new RestoreSessionStatus { Stats = [new HostRestoreStats { Hostname = "host-2", Phase = HostPhase.Succeeded, Duration = "3s" }] }) };
        var outcome = await rig.RunAsync(podName: "db-2");
        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Equal(0, rig.Restic.Runs);
        Assert.Empty(rig.Status.Writes);
    }

    [Fact]
    public async Task A_host_that_failed_before_is_retried_with_resume()
    {
        var rig = new PipelineRig { Status = new RecordingStatusStore(new RestoreSessionStatus { Stats = [new HostRestoreStats { Hostname = "host-2", Phase = HostPhase.Failed, Error = "x" }] }) };
        var outcome = await rig.RunAsync(podName: "db-2");
        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.True(rig.Restic.PlannedOptions.Single().Resume);
        Assert.Null(rig.Status.Current!.Stats!.Single().Error);
    }

    [Fact]
    public async Task PreRestore_failure_skips_restic_and_fails_the_host_with_a_false_condition()
    {
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { Hooks = new RestoreHooks { PreRestore = ExecHook, PostRestore = ExecHook } });
        rig.Hooks.Answer = c => new HookResult(c.Stage != HookStage.PreRestore, "exit code 3");
        var outcome = await rig.RunAsync();

        Assert.Equal(ExitCodes.RestoreFailed, outcome.ExitCode);
        Assert.Equal(0, rig.Restic.Runs);
        Assert.Equal("preRestore hook failed: exit code 3", rig.Status.Current!.Stats!.Single().Error);
        var condition = rig.Status.Current.Conditions!.Single(c => c.Type == "PreRestoreHookExecutionSucceeded");
        Assert.Equal(("False", "FailedToExecutePreRestoreHook"), (condition.Status, condition.Reason));
        Assert.Contains("host-2", condition.Message);
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData("Always", false, true)]
    [InlineData("OnSuccess", true, true)]
    [InlineData("OnSuccess", false, false)]
    [InlineData("OnFailure", true, false)]
    [InlineData("OnFailure", false, true)]
    public async Task PostRestore_runs_per_its_execution_policy(string? policy, bool restoreSucceeds, bool expectRun)
    {
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { Hooks = new RestoreHooks { PostRestore = ExecHook with { ExecutionPolicy = policy } } });
        if (!restoreSucceeds)
            rig.Restic.OnRun = _ => throw new RestoreFailedException("restic failed");
        await rig.RunAsync();

        var post = rig.Hooks.Calls.Where(c => c.Stage == HookStage.PostRestore).ToList();
        Assert.Equal(expectRun, post.Count == 1);
        if (expectRun)
            Assert.Equal(restoreSucceeds ? HostPhase.Succeeded : HostPhase.Failed, post[0].Outcome!.Phase);
    }

    [Fact]
    public async Task PostRestore_failure_after_a_good_restore_fails_the_host_and_says_the_data_was_restored()
    {
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { Hooks = new RestoreHooks { PostRestore = ExecHook } });
        rig.Hooks.Answer = _ => new HookResult(false, "exit code 1");
        var outcome = await rig.RunAsync();

        Assert.Equal(ExitCodes.RestoreFailed, outcome.ExitCode);
        Assert.Equal("postRestore hook failed: exit code 1 (the data was restored)", rig.Status.Current!.Stats!.Single().Error);
    }

    [Theory]
    [InlineData(true, ExitCodes.Success, "Succeeded", null)]
    [InlineData(false, ExitCodes.RestoreFailed, "Failed", "postRestore hook failed: exit code 1 (the data was restored)")]
    public async Task A_postRestore_result_that_cannot_be_recorded_still_leaves_the_hosts_final_entry(bool hookSucceeds, int exitCode, string phase, string? error)
    {
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { Hooks = new RestoreHooks { PostRestore = ExecHook } });
        rig.Hooks.Answer = _ => new HookResult(hookSucceeds, hookSucceeds ? "ok" : "exit code 1");
        rig.Status.BeforeCondition = (_, _) => throw new HttpRequestException("connection refused (127.0.0.1:6443)");

        var outcome = await rig.RunAsync();

        Assert.Equal(exitCode, outcome.ExitCode);
        var entry = rig.Status.Current!.Stats!.Single();
        Assert.Equal((phase, error), (entry.Phase, entry.Error));
    }

    [Fact]
    public async Task Sigterm_during_restic_records_terminated_and_exits_143()
    {
        var rig = new PipelineRig();
        using var stop = new CancellationTokenSource();
        rig.Restic.OnRun = async ct =>
        {
            rig.Interruption.Record("terminated by SIGTERM", ExitCodes.Terminated);
            await stop.CancelAsync();
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };
        var outcome = await rig.RunAsync(cancellationToken: stop.Token);

        Assert.Equal((ExitCodes.Terminated, HostPhase.Failed), (outcome.ExitCode, outcome.Phase));
        Assert.Equal("terminated by SIGTERM", rig.Status.Current!.Stats!.Single().Error);
    }

    [Fact]
    public async Task A_past_session_deadline_stops_restic_and_fails_the_host()
    {
        var rig = new PipelineRig();
        rig.Session = rig.Session with { Status = new RestoreSessionStatus { SessionDeadline = "2020-01-01T00:00:00Z" } };
        rig.Restic.OnRun = async ct =>
        {
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };
        var outcome = await rig.RunAsync();
        Assert.Equal(ExitCodes.RestoreFailed, outcome.ExitCode);
        Assert.Equal("deadline exceeded; restic was stopped", rig.Status.Current!.Stats!.Single().Error);
    }

    [Fact]
    public async Task Losing_the_host_claim_stops_restic_and_fails_the_host()
    {
        var rig = new PipelineRig();
        rig.Restic.OnRun = async ct =>
        {
            await rig.Claims.LoseIt.CancelAsync();
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };
        var outcome = await rig.RunAsync();
        Assert.Equal(ExitCodes.RestoreFailed, outcome.ExitCode);
        Assert.Contains("lost the claim", rig.Status.Current!.Stats!.Single().Error);
    }

    /// <summary>How each outside stop is made to happen while restic runs, for the postRestore tests below.</summary>
    public enum StopKind { Sigterm, Deadline, LostClaim }

    private static void StopDuringRestic(PipelineRig rig, StopKind kind, CancellationTokenSource outer)
    {
        if (kind == StopKind.Deadline)
            rig.Session = rig.Session with { Status = new RestoreSessionStatus { SessionDeadline = "2020-01-01T00:00:00Z" } };
        rig.Restic.OnRun = async ct =>
        {
            if (kind == StopKind.Sigterm)
            {
                rig.Interruption.Record("terminated by SIGTERM", ExitCodes.Terminated);
                await outer.CancelAsync();
            }
            else if (kind == StopKind.LostClaim)
            {
                await rig.Claims.LoseIt.CancelAsync();
            }
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };
    }

    [Theory]
    [InlineData(StopKind.Sigterm, ExitCodes.Terminated, "terminated by SIGTERM")]
    [InlineData(StopKind.Deadline, ExitCodes.RestoreFailed, "deadline exceeded; restic was stopped")]
    [InlineData(StopKind.LostClaim, ExitCodes.RestoreFailed, "lost the claim on this unit to another executor; restic was stopped")]
    public async Task A_restore_stopped_from_outside_never_runs_the_postRestore_hook_and_records_the_host_failed(StopKind kind, int exitCode, string error)
    {
        // executionPolicy Always: a hook that would run after any restore, failed or not, must still not
        // run after one cut short (it often starts or unlocks the application).
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { Hooks = new RestoreHooks { PostRestore = ExecHook with { ExecutionPolicy = HookPolicy.Always } } });
        using var outer = new CancellationTokenSource();
        StopDuringRestic(rig, kind, outer);

        var outcome = await rig.RunAsync(cancellationToken: outer.Token);

        Assert.DoesNotContain(rig.Hooks.Calls, c => c.Stage == HookStage.PostRestore);
        Assert.Equal((exitCode, HostPhase.Failed), (outcome.ExitCode, outcome.Phase));
        Assert.Equal([HostPhase.Running, HostPhase.Failed], rig.Status.Writes.Select(w => w.Phase));
        Assert.Equal(error, rig.Status.Current!.Stats!.Single().Error);
        var failed = Assert.Single(rig.Events.Events);
        Assert.Equal((RestoreEventType.Warning, "HostRestoreFailed"), (failed.Type, failed.Reason));
    }

    [Fact]
    public async Task A_claim_lost_after_restic_finished_skips_the_postRestore_hook_and_says_the_data_was_restored()
    {
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { Hooks = new RestoreHooks { PostRestore = ExecHook } });
        rig.Restic.OnRun = async _ =>
        {
            await rig.Claims.LoseIt.CancelAsync();
            return new ResticRestoreSummary(3, 0, 300, 0);
        };

        var outcome = await rig.RunAsync();

        Assert.Empty(rig.Hooks.Calls);
        Assert.Equal((ExitCodes.RestoreFailed, HostPhase.Failed), (outcome.ExitCode, outcome.Phase));
        Assert.Equal(
            "lost the claim on this unit to another executor before the postRestore hook ran (the data was restored; the hook did not run)",
            rig.Status.Current!.Stats!.Single().Error);
    }

    [Fact]
    public async Task A_deadline_passing_while_the_postRestore_hook_runs_stops_it_and_fails_the_host()
    {
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { TimeOut = "2s", Hooks = new RestoreHooks { PostRestore = ExecHook } });
        rig.Hooks.WhileRunning = (context, ct) => context.Stage == HookStage.PostRestore ? StopWait.UntilStoppedAsync(ct, "the postRestore hook") : Task.CompletedTask;

        var outcome = await rig.RunAsync();

        Assert.Single(rig.Hooks.Calls, c => c.Stage == HookStage.PostRestore);
        Assert.Equal((ExitCodes.RestoreFailed, HostPhase.Failed), (outcome.ExitCode, outcome.Phase));
        Assert.Equal("postRestore hook stopped: deadline exceeded (the data was restored)", rig.Status.Current!.Stats!.Single().Error);
    }

    [Fact]
    public async Task A_cancelled_preRestore_hook_never_runs_restic()
    {
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { Hooks = new RestoreHooks { PreRestore = ExecHook, PostRestore = ExecHook } });
        rig.Hooks.WhileRunning = async (context, ct) =>
        {
            if (context.Stage != HookStage.PreRestore)
                return;
            await rig.Claims.LoseIt.CancelAsync();
            await StopWait.UntilStoppedAsync(ct, "the preRestore hook");
        };

        var outcome = await rig.RunAsync();

        Assert.Equal(0, rig.Restic.Runs);
        Assert.DoesNotContain(rig.Hooks.Calls, c => c.Stage == HookStage.PostRestore);
        Assert.Equal(HostPhase.Failed, outcome.Phase);
        Assert.StartsWith("lost the claim on this unit", rig.Status.Current!.Stats!.Single().Error);
    }

    [Fact]
    public async Task A_secret_in_an_error_is_masked_in_status_and_events()
    {
        var rig = new PipelineRig();
        rig.Restic.OnRun = _ => throw new RestoreFailedException($"Fatal: rest:https://user:{PipelineRig.Password}@backup/ unreachable");
        await rig.RunAsync();
        Assert.DoesNotContain(PipelineRig.Password, rig.Status.Current!.Stats!.Single().Error);
        Assert.Contains("***", rig.Status.Current.Stats!.Single().Error);
        Assert.All(rig.Events.Events, e => Assert.DoesNotContain(PipelineRig.Password, e.Message));
    }

    [Fact]
    public async Task The_restore_error_a_postRestore_hook_sees_is_masked()
    {
        // restic's message can carry a credential (a SAS in an Azure URL); the hook's template gets
        // .Status.Error as the status records it, never the raw text.
        var rig = new PipelineRig();
        rig.WithSpec(s => s with { Hooks = new RestoreHooks { PostRestore = ExecHook } });
        rig.Restic.OnRun = _ => throw new RestoreFailedException($"Fatal: unable to open repository at azure:c:/?sig={PipelineRig.Password}: 403");

        await rig.RunAsync();

        var post = Assert.Single(rig.Hooks.Calls, c => c.Stage == HookStage.PostRestore);
        Assert.Equal(HostPhase.Failed, post.Outcome!.Phase);
        Assert.DoesNotContain(PipelineRig.Password, post.Outcome.Error);
        Assert.Contains("sig=***", post.Outcome.Error);
        Assert.Equal("db", post.Target?.Name);
    }
}
