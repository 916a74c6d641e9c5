using System.Globalization;
using Serilog;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// The restore of one unit, top to bottom, the same for every API family: claim the unit → skip it
/// if already restored → Running → pre hook → restic → post hook → report. Data flows forward;
/// each step is a named call.
/// </summary>
internal sealed class UnitRestorePipeline(RestoreParts<IUnitStatus> parts, Interruption interruption)
{
    public async Task<UnitOutcome> RestoreAsync(UnitRestoreJob job, ILogger log, CancellationToken cancellationToken)
    {
        var unit = job.Unit;
        var restic = await parts.Restic.LocateAsync(job.Restic.Location, cancellationToken);
        await using var claim = await parts.Claims.AcquireAsync(unit.Name, cancellationToken);
        var previous = await parts.Status.GetPhaseAsync(cancellationToken);
        if (previous == UnitPhase.Succeeded)
            return AlreadyRestored(unit, log);

        var plan = parts.Restic.Plan(job.Restic, job.Options with { Resume = previous == UnitPhase.Failed }, restic);
        log.Information("Restoring {Unit:l} {Origin:l} ({Calls} restic call(s), restic {ResticVersion})",
            unit.ToString(), job.Origin, plan.Invocations.Count, restic.Version);

        var started = parts.Clock.GetTimestamp();
        await parts.Status.WriteAsync(new UnitStatusEntry(UnitPhase.Running), cancellationToken);

        var hooks = new UnitHookRunner(parts.Hooks, parts.Status, parts.Masker, parts.Clock, unrecordedPostRestore: log);
        using var deadline = DeadlineSource(job.Deadline, log);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, claim.Lost, deadline.Token);

        string? error = null;
        var failureExitCode = ExitCodes.RestoreFailed;
        ResticRestoreSummary? summary = null;
        try
        {
            // Mirror mode limits --delete to what each call restores; a snapshot's paths are read here,
            // bounded by the deadline, and an include that reaches outside them is refused before any hook.
            plan = await parts.Restic.ScopeMirrorAsync(plan, run.Token);
            await hooks.RunPreRestoreAsync(job.Hooks, run.Token);
            summary = await RunResticAsync(unit, plan, log, run.Token);
        }
        catch (Exception e) when (e is RestoreFailedException or OperationCanceledException)
        {
            error = RestoreStoppedError(Stop(), e as ResticStoppedException) ?? e.Message;
        }
        catch (Exception e)
        {
            // Once Running is written, any failure must end in a Failed entry, never a unit left Running
            // (nice/ionice missing, the target not writable, a bug): record it, keep its exit code.
            log.Debug(e, "Restore of {Unit:l} stopped by an unexpected error", unit.ToString());
            error = e.Message;
            failureExitCode = e is RestoreException known ? known.ExitCode : ExitCodes.RestoreFailed;
        }

        var restoreSucceeded = error is null;
        // Stopped from outside (SIGTERM, SIGINT, the deadline, a lost claim): the postRestore hook never
        // runs. It often starts or unlocks the application, which must not happen after a restore cut short.
        if (Stop() is { } stop)
        {
            error = PostRestoreHookSkipped(job.Hooks, restoreSucceeded, error, stop, log);
        }
        else
        {
            // The template sees the outcome as the status will record it: masked, with a Go duration.
            var outcome = new HookOutcome(
                restoreSucceeded ? UnitPhase.Succeeded : UnitPhase.Failed,
                GoDuration.Format(parts.Clock.GetElapsedTime(started)),
                error is null ? null : parts.Masker.Apply(error));
            error = await hooks.RunPostRestoreAsync(job.Hooks, outcome, run.Token, Stop) ?? error;
        }

        // The final writes are cut short by a signal or the deadline, not by a claim lost meanwhile (the API away
        // long enough to miss renewals is what they must outlast).
        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        return await ReportAsync(job, log, error, failureExitCode, summary, started, stopped.Token);

        string? Stop() => StopReason(run.Token, claim, deadline, cancellationToken);
    }

    /// <summary>
    /// The run was stopped before the postRestore hook: it is not run. When it would have run, the unit
    /// is Failed even if restic had finished, since what the hook does after a restore did not happen.
    /// </summary>
    private static string? PostRestoreHookSkipped(UnitHooks hooks, bool restoreSucceeded, string? error, string stop, ILogger log)
    {
        if (hooks.PostRestore is not { } hook || !HookPolicy.ShouldRunPostRestore(hook.ExecutionPolicy, restoreSucceeded))
            return error;
        log.Warning("The postRestore hook is not run: {Reason:l}", stop);
        return error ?? $"{stop} before the postRestore hook ran (the data was restored; the hook did not run)";
    }

    private async Task<ResticRestoreSummary> RunResticAsync(RestoreUnit unit, ResticPlan plan, ILogger log, CancellationToken cancellationToken)
    {
        await using var progress = new ProgressThrottle(parts.Status, parts.Clock, parts.ProgressInterval, log, parts.Masker, cancellationToken);
        if (parts.LiveProgress is not { } live)
            return await parts.Restic.RunAsync(plan, log, progress, cancellationToken);
        return await live.ShowAsync(unit, view => parts.Restic.RunAsync(plan, log, new BothProgress(progress, view), cancellationToken));
    }

    /// <summary>Every status to the throttled status writer and to the live view alike.</summary>
    private sealed class BothProgress(IProgress<UnitProgress> status, IProgress<UnitProgress> view) : IProgress<UnitProgress>
    {
        public void Report(UnitProgress value)
        {
            status.Report(value);
            view.Report(value);
        }
    }

    /// <summary>Why the run's token was cancelled: the signal, a lost claim, the deadline; null while it runs on.</summary>
    private string? StopReason(CancellationToken run, IUnitClaim claim, CancellationTokenSource deadline, CancellationToken outer)
    {
        if (!run.IsCancellationRequested)
            return null;
        if (interruption.Reason is { } reason)
            return reason;
        if (claim.Lost.IsCancellationRequested)
            return "lost the claim on this unit to another executor";
        if (deadline.IsCancellationRequested)
            return "deadline exceeded";
        return outer.IsCancellationRequested ? "cancelled" : null;
    }

    /// <summary>The error of a restore stopped by <paramref name="reason"/>: a signal's reason as it is, else what was stopped and restic's last error.</summary>
    private string? RestoreStoppedError(string? reason, ResticStoppedException? stopped)
    {
        if (reason is null || interruption.Reason is not null)
            return reason;
        return reason + "; restic was stopped" + (stopped?.LastError is { } last ? $" (its last error, retried until then: {last})" : "");
    }

    private CancellationTokenSource DeadlineSource(DateTimeOffset? until, ILogger log)
    {
        if (until is null)
            return new CancellationTokenSource();
        var left = until.Value - parts.Clock.GetUtcNow();
        log.Debug("Restore deadline {Deadline:O} ({Left} left)", until, left);
        // A timer cannot wait longer than int.MaxValue ms (~24.8 days); a deadline that far off never stops restic.
        if (left.TotalMilliseconds >= int.MaxValue)
            return new CancellationTokenSource();
        return new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, parts.Clock);
    }

    /// <param name="stop">Cancelled by a signal or the deadline: from then the writes here have <see cref="StatusWriteBudget.AfterStop"/>.</param>
    private async Task<UnitOutcome> ReportAsync(UnitRestoreJob job, ILogger log, string? error, int failureExitCode, ResticRestoreSummary? summary, long started, CancellationToken stop)
    {
        var unit = job.Unit;
        var elapsed = parts.Clock.GetElapsedTime(started);
        error = error is null ? null : parts.Masker.Apply(error);
        var phase = error is null ? UnitPhase.Succeeded : UnitPhase.Failed;
        var duration = GoDuration.Format(elapsed);
        var restored = summary is null ? "" : Describe(summary);

        using var write = new StatusWriteBudget(stop, parts.Clock);
        await WriteFinalEntryAsync(unit, new UnitStatusEntry(phase, duration, error), write);
        if (error is null)
        {
            var message = $"Restored {unit} {job.Origin} in {duration}: {restored}";
            log.Information("{Message:l}", message);
            await parts.Events.RecordAsync(job.Reasons.Success(message), write.Token);
        }
        else
        {
            log.Error("Restore of {Unit:l} failed after {Duration:l}: {Error:l}", unit.ToString(), duration, error);
            await parts.Events.RecordAsync(job.Reasons.Failure(unit, error), write.Token);
        }
        await PublishMetricsAsync(new UnitRestoreReport(unit.Name, phase, elapsed, error, summary?.FilesRestored ?? 0, summary?.BytesRestored ?? 0), log, write.Token);

        var exitCode = error is null ? ExitCodes.Success : interruption.Reason is not null ? interruption.ExitCode : failureExitCode;
        return new UnitOutcome(unit, phase, exitCode, error, restored);
    }

    /// <summary>
    /// The unit's final entry. When it cannot be written (the API still down after the transport's retries,
    /// or after the short budget of a stopped run), the run ends with one line naming the API's error and the
    /// outcome that was not recorded: exit 3, or the signal's code when one stopped the run.
    /// </summary>
    /// <exception cref="StatusNotRecordedException">The write failed.</exception>
    private async Task WriteFinalEntryAsync(RestoreUnit unit, UnitStatusEntry entry, StatusWriteBudget write)
    {
        var writing = parts.Clock.GetTimestamp();
        try
        {
            await parts.Status.WriteAsync(entry, write.Token);
        }
        catch (Exception e) when (StatusWriteFailure.IsOne(e))
        {
            var exitCode = interruption.Reason is not null ? interruption.ExitCode
                : e is InvalidInputException ? ExitCodes.InvalidInput
                : ExitCodes.DependencyUnavailable;
            throw new StatusNotRecordedException(
                StatusNotRecordedException.Describe(unit, entry, parts.Clock.GetElapsedTime(writing), write.CutShort, e), exitCode, e);
        }
    }

    /// <summary>
    /// "5 file(s), 15 byte(s) restored, 0 unchanged file(s) skipped, 4 dir(s)": files are every entry but
    /// directories; when restic could not tell the two apart, they are counted together and said so. In
    /// mirror mode ", 2 file(s) deleted" follows: what the snapshot lacks under the restored paths.
    /// </summary>
    internal static string Describe(ResticRestoreSummary summary)
    {
        var restored = summary.DirectoriesRestored is { } directories
            ? string.Create(CultureInfo.InvariantCulture, $"{summary.FilesRestored} file(s), {summary.BytesRestored} byte(s) restored, {summary.FilesSkipped} unchanged file(s) skipped, {directories} dir(s)")
            : string.Create(CultureInfo.InvariantCulture, $"{summary.FilesRestored} file(s)/dir(s), {summary.BytesRestored} byte(s) restored, {summary.FilesSkipped} unchanged file(s) skipped");
        return summary.FilesDeleted is { } deleted ? string.Create(CultureInfo.InvariantCulture, $"{restored}, {deleted} file(s) deleted") : restored;
    }

    private async Task PublishMetricsAsync(UnitRestoreReport report, ILogger log, CancellationToken cancellationToken)
    {
        if (parts.Metrics is null)
            return;
        try
        {
            await parts.Metrics.PublishAsync(report, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            log.Warning("Could not push metrics: {Error}", e.Message);
        }
    }

    private static UnitOutcome AlreadyRestored(RestoreUnit unit, ILogger log)
    {
        log.Information("{Unit:l} is already restored (status Succeeded); nothing to do", unit.ToString());
        return new UnitOutcome(unit, UnitPhase.Succeeded, ExitCodes.Success, null, "already restored");
    }
}
