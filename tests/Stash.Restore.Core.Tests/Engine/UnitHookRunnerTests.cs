using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>
/// A unit's preRestore and postRestore hooks (SPEC §8): the result masked and recorded, a failed preRestore
/// stopping the restore, postRestore per its executionPolicy, its failure and its stop worded for the status;
/// a postRestore result that cannot be recorded is a warning in the pipeline and an error in <c>run-hook</c>.
/// </summary>
public sealed class UnitHookRunnerTests
{
    private const string Password = "s3cr3t-pw";
    private static readonly HookSpec Hook = new() { Exec = new ExecAction { Command = ["/bin/sh", "-c", "pg_ctl start"] } };
    private static readonly HookOutcome Restored = new(UnitPhase.Succeeded, "12.5s", null);
    private static readonly HookOutcome NotRestored = new(UnitPhase.Failed, "3s", "restic: wrong password");

    private readonly FakeHookExecutor _hooks = new();
    private readonly RecordingUnitStatus _status = new();
    private readonly CollectingSink _log = new();
    private readonly SecretMasker _masker = new();

    public UnitHookRunnerTests() => _masker.Add(Password);

    private UnitHookRunner Runner(bool inPipeline = true) =>
        new(_hooks, _status, _masker, TimeProvider.System, inPipeline ? _log.Logger() : null);

    private static UnitHooks Hooks(HookSpec? pre = null, HookSpec? post = null) =>
        new(pre, post, new HookContext(HookStage.PreRestore, "demo", "sts-restore", "host-1", null));

    [Fact]
    public async Task Without_hooks_nothing_runs_and_nothing_is_recorded()
    {
        await Runner().RunPreRestoreAsync(Hooks(), CancellationToken.None);
        var error = await Runner().RunPostRestoreAsync(Hooks(), Restored, CancellationToken.None, () => null);

        Assert.Null(error);
        Assert.Empty(_hooks.Calls);
        Assert.Empty(_status.Hooks);
    }

    [Fact]
    public async Task A_preRestore_result_is_recorded_masked()
    {
        _hooks.Answer = _ => new HookResult(true, $"connected with {Password}");

        await Runner().RunPreRestoreAsync(Hooks(pre: Hook), CancellationToken.None);

        Assert.Equal(HookStage.PreRestore, Assert.Single(_hooks.Calls).Stage);
        Assert.Equal((HookStage.PreRestore, new HookResult(true, "connected with ***")), Assert.Single(_status.Hooks));
    }

    [Fact]
    public async Task A_failed_preRestore_hook_stops_the_restore_with_its_masked_message()
    {
        _hooks.Answer = _ => new HookResult(false, $"exit code 1: password {Password} refused");

        var e = await Assert.ThrowsAsync<RestoreFailedException>(() => Runner().RunPreRestoreAsync(Hooks(pre: Hook), CancellationToken.None));

        Assert.Equal("preRestore hook failed: exit code 1: password *** refused", e.Message);
        Assert.False(Assert.Single(_status.Hooks).Result.Succeeded);
    }

    [Theory]
    [InlineData(null, false, true)] // Always by default (HookPolicyTests has the whole table)
    [InlineData(HookPolicy.OnSuccess, false, false)]
    [InlineData(HookPolicy.OnFailure, true, false)]
    public async Task PostRestore_runs_per_its_execution_policy(string? policy, bool restoreSucceeded, bool runs)
    {
        var unitHooks = Hooks(post: Hook with { ExecutionPolicy = policy });
        var outcome = restoreSucceeded ? Restored : NotRestored;

        await Runner().RunPostRestoreAsync(unitHooks, outcome, CancellationToken.None, () => null);

        Assert.Equal(runs, UnitHookRunner.PostRestoreRuns(unitHooks, outcome));
        Assert.Equal(runs ? 1 : 0, _hooks.Calls.Count);
        Assert.Equal(runs ? 1 : 0, _status.Hooks.Count);
    }

    [Fact]
    public async Task The_postRestore_template_sees_the_restores_outcome()
    {
        await Runner().RunPostRestoreAsync(Hooks(post: Hook), NotRestored, CancellationToken.None, () => null);

        var context = Assert.Single(_hooks.Calls);
        Assert.Equal((HookStage.PostRestore, "host-1", NotRestored), (context.Stage, context.Hostname, context.Outcome));
    }

    [Theory]
    [InlineData(true, "postRestore hook failed: exit code 2 (***) (the data was restored)")]
    [InlineData(false, "restic: wrong password; postRestore hook failed: exit code 2 (***)")]
    public async Task A_failed_postRestore_hook_is_the_units_error_with_the_restores_outcome(bool restoreSucceeded, string expected)
    {
        _hooks.Answer = _ => new HookResult(false, $"exit code 2 ({Password})");

        var error = await Runner().RunPostRestoreAsync(Hooks(post: Hook), restoreSucceeded ? Restored : NotRestored, CancellationToken.None, () => null);

        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task A_postRestore_hook_stopped_while_it_runs_says_why()
    {
        using var stop = new CancellationTokenSource();
        _hooks.WhileRunning = async (_, ct) =>
        {
            await stop.CancelAsync();
            await StopWait.UntilStoppedAsync(ct, "the hook");
        };

        var error = await Runner().RunPostRestoreAsync(Hooks(post: Hook), Restored, stop.Token, () => "deadline exceeded");

        Assert.Equal("postRestore hook stopped: deadline exceeded (the data was restored)", error);
        Assert.Empty(_status.Hooks);
    }

    [Fact]
    public async Task In_the_pipeline_a_postRestore_result_that_cannot_be_recorded_is_a_warning_and_the_hook_still_decides()
    {
        _status.BeforeHookRecord = (_, _) => throw new DependencyUnavailableException($"patch restoresessions demo/sts-restore: connection refused ({Password})");

        var error = await Runner(inPipeline: true).RunPostRestoreAsync(Hooks(post: Hook), Restored, CancellationToken.None, () => null);

        Assert.Null(error);
        Assert.Equal(
            "Warning: Could not record the postRestore hook's result (succeeded); the unit's final entry says how it ended: patch restoresessions demo/sts-restore: connection refused (***)",
            Assert.Single(_log.Lines));
    }

    [Fact]
    public async Task In_run_hook_a_postRestore_result_that_cannot_be_recorded_fails_the_command()
    {
        _status.BeforeHookRecord = (_, _) => throw new DependencyUnavailableException("patch restoresessions demo/sts-restore: connection refused");

        var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            Runner(inPipeline: false).RunPostRestoreAsync(Hooks(post: Hook), Restored, CancellationToken.None, () => null));

        Assert.Equal("patch restoresessions demo/sts-restore: connection refused", e.Message);
        Assert.Empty(_log.Lines);
    }
}
