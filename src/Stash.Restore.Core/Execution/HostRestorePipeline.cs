using System.Globalization;
using Serilog;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Hosts;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Model;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Rules;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Status;

namespace Stash.Restore.Core.Execution;

/// <summary>The parts one host's restore is made of; the CLI wires real ones, tests fakes.</summary>
internal sealed record RestoreDependencies(
    IResticRestore Restic,
    IHookExecutor Hooks,
    IHostStatusStore Status,
    IRestoreEventRecorder Events,
    IHostClaims Claims,
    IRestoreMetricsPublisher? Metrics,
    SecretMasker Masker,
    ILogger Log,
    TimeProvider Clock);

/// <summary>
/// The restore of one host, top to bottom: resolve host → resolve rule → claim host → pre hook →
/// restic → post hook → report. Data flows forward; each step is a named call.
/// </summary>
internal sealed class HostRestorePipeline(RestoreDependencies parts, RestoreSettings settings, Interruption interruption)
{
    // Status writes after an interruption get their own deadline, well inside a 30 s grace period.
    private static readonly TimeSpan FinalWriteBudget = TimeSpan.FromSeconds(8);

    public async Task<HostRestoreOutcome> RestoreAsync(RestoreInputs inputs, CancellationToken cancellationToken)
    {
        parts.Masker.AddRange(inputs.RepositorySecret.Values);
        var session = RestoreSessionValidator.EnsureValid(inputs.Session, Input.StashObjects.Describe(inputs.Session));
        var host = HostIdentity.Resolve(session.Spec.Target, inputs.Pod, inputs.HostOverride);
        var log = parts.Log.ForHost(host);

        var rule = RuleResolver.Resolve(session.Spec.Target?.Rules ?? [], host);
        if (rule is null)
            return await NothingToRestoreAsync(host, log, cancellationToken);

        var restic = await parts.Restic.LocateAsync(cancellationToken);
        await using var claim = await parts.Claims.AcquireAsync(host, cancellationToken);
        var previous = await parts.Status.GetAsync(host, cancellationToken);
        if (previous?.Phase == HostPhase.Succeeded)
            return AlreadyRestored(host, log);

        using var plan = parts.Restic.Plan(rule, inputs.Repository, inputs.RepositorySecret, settings.ResticOptionsFor(session, resume: previous?.Phase == HostPhase.Failed), restic);
        parts.Masker.AddRange(plan.SecretValues);
        log.Information("Restoring host {Host} by rule {RuleIndex} from source host {SourceHost} ({Calls} restic call(s), restic {ResticVersion})",
            host, rule.Index, rule.SourceHost, plan.Invocations.Count, restic.Version);

        var started = parts.Clock.GetTimestamp();
        await parts.Status.UpsertAsync(new HostRestoreStats { Hostname = host, Phase = HostPhase.Running }, cancellationToken);

        using var deadline = DeadlineSource(session, log);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, claim.Lost, deadline.Token);
        var context = new HookContext(HookStage.PreRestore, inputs.Session.Metadata.Namespace ?? "", inputs.Session.Metadata.Name ?? "", host, null);

        string? error = null;
        var failureExitCode = ExitCodes.RestoreFailed;
        ResticRestoreSummary? summary = null;
        try
        {
            await RunPreRestoreHookAsync(session.Spec.Hooks?.PreRestore, context, run.Token);
            summary = await parts.Restic.RunAsync(plan, log, run.Token);
        }
        catch (Exception e) when (e is RestoreFailedException or OperationCanceledException)
        {
            error = CauseOfStop(run.Token, claim, deadline, cancellationToken, e as ResticStoppedException) ?? e.Message;
        }
        catch (Exception e)
        {
            // Once Running is written, any failure must end in a Failed entry, never a host left Running
            // (nice/ionice missing, the target not writable, a bug): record it, keep its exit code.
            log.Debug(e, "Restore of host {Host} stopped by an unexpected error", host);
            error = e.Message;
            failureExitCode = e is RestoreException known ? known.ExitCode : ExitCodes.RestoreFailed;
        }

        var restoreSucceeded = error is null;
        if (interruption.Reason is null)
            error = await RunPostRestoreHookAsync(session.Spec.Hooks?.PostRestore, context, host, restoreSucceeded, error, started, run.Token) ?? error;

        return await ReportAsync(host, log, error, failureExitCode, summary, started, rule);
    }

    private async Task RunPreRestoreHookAsync(HookSpec? hook, HookContext context, CancellationToken cancellationToken)
    {
        if (hook is null)
            return;
        var result = Masked(await parts.Hooks.ExecuteAsync(hook, context, cancellationToken));
        await parts.Status.SetConditionAsync(HookPolicy.Condition(HookStage.PreRestore, result, context.Hostname, parts.Clock), cancellationToken);
        if (!result.Succeeded)
            throw new RestoreFailedException($"preRestore hook failed: {result.Message}");
    }

    private HookResult Masked(HookResult result) => result with { Message = parts.Masker.Apply(result.Message) };

    /// <summary>Runs postRestore per its policy; returns the error it causes, if any.</summary>
    private async Task<string?> RunPostRestoreHookAsync(
        HookSpec? hook, HookContext preContext, string host, bool restoreSucceeded, string? restoreError, long started, CancellationToken cancellationToken)
    {
        if (hook is null || !HookPolicy.ShouldRunPostRestore(hook.ExecutionPolicy, restoreSucceeded))
            return null;
        var outcome = new HostRestoreStats
        {
            Hostname = host,
            Phase = restoreSucceeded ? HostPhase.Succeeded : HostPhase.Failed,
            Duration = GoDuration.Format(parts.Clock.GetElapsedTime(started)),
            Error = restoreError,
        };
        var context = preContext with { Stage = HookStage.PostRestore, Outcome = outcome };
        HookResult result;
        try
        {
            result = Masked(await parts.Hooks.ExecuteAsync(hook, context, cancellationToken));
        }
        catch (OperationCanceledException) when (interruption.Reason is not null)
        {
            return null;
        }
        using var write = new CancellationTokenSource(FinalWriteBudget, parts.Clock);
        await parts.Status.SetConditionAsync(HookPolicy.Condition(HookStage.PostRestore, result, host, parts.Clock), write.Token);
        if (result.Succeeded)
            return null;
        var message = $"postRestore hook failed: {result.Message}";
        return restoreSucceeded ? message + " (the data was restored)" : $"{restoreError}; {message}";
    }

    private string? CauseOfStop(CancellationToken run, IHostClaim claim, CancellationTokenSource deadline, CancellationToken outer, ResticStoppedException? stopped)
    {
        if (!run.IsCancellationRequested)
            return null;
        if (interruption.Reason is { } reason)
            return reason;
        if (claim.Lost.IsCancellationRequested)
            return "lost the claim on this host to another executor; restic was stopped";
        if (deadline.IsCancellationRequested)
            return "deadline exceeded; restic was stopped" + (stopped?.LastError is { } last ? $" (its last error, retried until then: {last})" : "");
        return outer.IsCancellationRequested ? "cancelled" : null;
    }

    private CancellationTokenSource DeadlineSource(RestoreSession session, ILogger log)
    {
        var now = parts.Clock.GetUtcNow();
        DateTimeOffset? until = null;
        if (GoDuration.TryParse(session.Spec.TimeOut, out var timeOut) && timeOut > TimeSpan.Zero)
            until = now + timeOut;
        if (DateTimeOffset.TryParse(session.Status?.SessionDeadline, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sessionDeadline)
            && (until is null || sessionDeadline < until))
            until = sessionDeadline;
        if (until is null)
            return new CancellationTokenSource();
        var left = until.Value - now;
        log.Debug("Restore deadline {Deadline:O} ({Left} left)", until, left);
        return new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, parts.Clock);
    }

    private async Task<HostRestoreOutcome> ReportAsync(string host, ILogger log, string? error, int failureExitCode, ResticRestoreSummary? summary, long started, ResolvedRule rule)
    {
        var elapsed = parts.Clock.GetElapsedTime(started);
        error = error is null ? null : parts.Masker.Apply(error);
        var phase = error is null ? HostPhase.Succeeded : HostPhase.Failed;
        var entry = new HostRestoreStats { Hostname = host, Phase = phase, Duration = GoDuration.Format(elapsed), Error = error };
        var restored = summary is null
            ? ""
            : $"{summary.FilesRestored} file(s), {summary.BytesRestored} byte(s) restored, {summary.FilesSkipped} unchanged file(s) skipped";

        using var write = new CancellationTokenSource(FinalWriteBudget, parts.Clock);
        await parts.Status.UpsertAsync(entry, write.Token);
        if (error is null)
        {
            var message = $"Restored host \"{host}\" from source host \"{rule.SourceHost}\" by rule {rule.Index} in {entry.Duration}: {restored}";
            log.Information("{Message}", message);
            await parts.Events.RecordAsync(new RestoreEvent(RestoreEventType.Normal, "HostRestoreSucceeded", message), write.Token);
        }
        else
        {
            log.Error("Restore of host {Host} failed after {Duration}: {Error}", host, entry.Duration, error);
            await parts.Events.RecordAsync(new RestoreEvent(RestoreEventType.Warning, "HostRestoreFailed", $"Failed to restore host \"{host}\": {error}"), write.Token);
        }
        await PublishMetricsAsync(new HostRestoreReport(host, phase, elapsed, error, summary?.FilesRestored ?? 0, summary?.BytesRestored ?? 0), write.Token);

        var exitCode = error is null ? ExitCodes.Success : interruption.Reason is not null ? interruption.ExitCode : failureExitCode;
        return new HostRestoreOutcome(host, phase, exitCode, error, restored);
    }

    private async Task PublishMetricsAsync(HostRestoreReport report, CancellationToken cancellationToken)
    {
        if (parts.Metrics is null)
            return;
        try
        {
            await parts.Metrics.PublishAsync(report, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            parts.Log.Warning("Could not push metrics: {Error}", e.Message);
        }
    }

    private async Task<HostRestoreOutcome> NothingToRestoreAsync(string host, ILogger log, CancellationToken cancellationToken)
    {
        var message = $"No restore rule matched host \"{host}\"; nothing restored";
        log.Warning("{Message}", message);
        await parts.Status.UpsertAsync(new HostRestoreStats { Hostname = host, Phase = HostPhase.Succeeded, Duration = "0s" }, cancellationToken);
        await parts.Events.RecordAsync(new RestoreEvent(RestoreEventType.Normal, "NoRuleMatched", message), cancellationToken);
        return new HostRestoreOutcome(host, HostPhase.Succeeded, ExitCodes.Success, null, "no rule matched");
    }

    private static HostRestoreOutcome AlreadyRestored(string host, ILogger log)
    {
        log.Information("Host {Host} is already restored (status Succeeded); nothing to do", host);
        return new HostRestoreOutcome(host, HostPhase.Succeeded, ExitCodes.Success, null, "already restored");
    }
}
