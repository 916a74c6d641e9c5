using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>What a <c>run-hook</c> container runs: the stage, the host, and for postRestore how the restore ended.</summary>
/// <param name="RestoreOutcome">postRestore: the host's outcome (from <c>output.json</c> or the session's status), the template's <c>.Status</c>.</param>
internal sealed record JobHookRequest(HookStage Stage, string Host, HookOutcome? RestoreOutcome);

/// <summary>
/// <c>run-hook</c>, the preRestore/postRestore containers of Stash's restore Job (SPEC §15): the
/// session's hook run with the hooks' usual rules (<see cref="UnitHookRunner"/>, SPEC §8), its result
/// recorded in the session's conditions as <c>restore</c> records it. A failed hook fails the host: its
/// entry says Failed with the reason, with a Warning Event and the host's metrics, since after a failed
/// preRestore the Job's other containers never run, and after postRestore <c>update-status</c> has run.
/// </summary>
internal sealed class StashJobHook(
    IHookExecutor hooks, IHostStatusStore store, IRestoreEventRecorder events, IRestoreMetricsPublisher? metrics,
    SecretMasker masker, ILogger log, TimeProvider clock, Interruption interruption)
{
    /// <returns>
    /// The exit code: 0 when the hook succeeded, was skipped by its policy or there is none — and, for
    /// postRestore, the restore had succeeded; 1 when the hook failed or (postRestore, the Job's last
    /// container) the restore had failed; 143/130 when interrupted.
    /// </returns>
    public async Task<int> RunAsync(RestoreSession session, JobHookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var host = request.Host;
        var hostLog = log.ForHost(host);
        var status = new StashHostStatus(store, host, clock, hostLog);
        var unitHooks = new UnitHooks(session.Spec.Hooks?.PreRestore, session.Spec.Hooks?.PostRestore, StashHostJob.HookContextFor(session, host));
        var runner = new UnitHookRunner(hooks, status, masker, clock);
        var stage = HookPolicy.StageName(request.Stage);
        try
        {
            return request.Stage == HookStage.PreRestore
                ? await RunPreRestoreAsync(runner, unitHooks, host, hostLog, cancellationToken)
                : await RunPostRestoreAsync(runner, unitHooks, host, request.RestoreOutcome!, hostLog, cancellationToken);
        }
        catch (OperationCanceledException) when (interruption.Reason is { } reason)
        {
            hostLog.Error("{Stage:l} hook stopped: {Reason:l}", stage, reason);
            if (request.Stage == HookStage.PreRestore)
                await FailHostAsync(host, $"preRestore hook failed: {reason}", null, hostLog, cancellationToken);
            return interruption.ExitCode;
        }
    }

    private async Task<int> RunPreRestoreAsync(UnitHookRunner runner, UnitHooks unitHooks, string host, ILogger hostLog, CancellationToken cancellationToken)
    {
        if (unitHooks.PreRestore is null)
        {
            hostLog.Information("The RestoreSession has no preRestore hook; nothing to run");
            return ExitCodes.Success;
        }
        try
        {
            await runner.RunPreRestoreAsync(unitHooks, cancellationToken);
        }
        catch (RestoreFailedException e)
        {
            await FailHostAsync(host, e.Message, null, hostLog, cancellationToken);
            return ExitCodes.RestoreFailed;
        }
        hostLog.Information("preRestore hook of host {Host:l} executed successfully", host);
        return ExitCodes.Success;
    }

    private async Task<int> RunPostRestoreAsync(UnitHookRunner runner, UnitHooks unitHooks, string host, HookOutcome outcome, ILogger hostLog, CancellationToken cancellationToken)
    {
        var restored = outcome.Phase == UnitPhase.Succeeded;
        if (unitHooks.PostRestore is null)
            hostLog.Information("The RestoreSession has no postRestore hook; nothing to run");
        else if (!UnitHookRunner.PostRestoreRuns(unitHooks, outcome))
            hostLog.Information("postRestore hook not run: its executionPolicy is {Policy:l} and the restore of host {Host:l} {Phase:l}",
                unitHooks.PostRestore.ExecutionPolicy, host, outcome.Phase);
        else if (await runner.RunPostRestoreAsync(unitHooks, outcome, cancellationToken, () => interruption.Reason) is { } error)
        {
            // A hook stopped by SIGTERM failed the host as well: what it does after a restore may not have happened.
            await FailHostAsync(host, error, outcome.Duration, hostLog, cancellationToken);
            return interruption.Reason is null ? ExitCodes.RestoreFailed : interruption.ExitCode;
        }
        else
        {
            hostLog.Information("postRestore hook of host {Host:l} executed successfully", host);
        }
        if (restored)
            return ExitCodes.Success;
        // The Job's last container says how the restore went; update-status let it run by exiting 0.
        hostLog.Error("The restore of host {Host:l} had failed: {Error:l}", host, outcome.Error ?? "no error was recorded");
        return ExitCodes.RestoreFailed;
    }

    /// <summary>The host's entry Failed with <paramref name="error"/>, a Warning Event and its metrics, as <c>restore</c> reports a failed host.</summary>
    private async Task FailHostAsync(string host, string error, string? duration, ILogger hostLog, CancellationToken stop)
    {
        error = masker.Apply(error);
        var unit = new RestoreUnit(StashHostRestore.UnitKind, host);
        hostLog.Error("Restore of {Unit:l} failed: {Error:l}", unit.ToString(), error);
        using var write = new StatusWriteBudget(stop, clock);
        await store.UpsertAsync(new HostRestoreStats { Hostname = host, Phase = HostPhase.Failed, Duration = duration, Error = error }, write.Token);
        await events.RecordAsync(StashHostRestore.Reasons.Failure(unit, error), write.Token);
        if (metrics is not null)
        {
            var elapsed = GoDuration.TryParse(duration, out var parsed) ? parsed : TimeSpan.Zero;
            await metrics.PublishAsync(new UnitRestoreReport(host, UnitPhase.Failed, elapsed, error, FilesRestored: null, BytesRestored: null), write.Token);
        }
    }
}
