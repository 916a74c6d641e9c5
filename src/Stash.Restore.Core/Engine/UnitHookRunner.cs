using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// A unit's preRestore and postRestore hooks as SPEC §8 has them run: the result masked and recorded
/// where the family records hooks, a failed preRestore stopping the restore, postRestore run per its
/// <c>executionPolicy</c> and its failure failing the unit. The restore pipeline runs them around
/// restic; the Stash restore Job runs each in its own <c>run-hook</c> container.
/// </summary>
internal sealed class UnitHookRunner(IHookExecutor hooks, IUnitStatus status, SecretMasker masker, TimeProvider clock)
{
    /// <summary>Runs preRestore, when there is one, and records its result.</summary>
    /// <exception cref="RestoreFailedException">The hook failed: <c>preRestore hook failed: …</c>, masked.</exception>
    public async Task RunPreRestoreAsync(UnitHooks unitHooks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unitHooks);
        if (unitHooks.PreRestore is not { } hook)
            return;
        var result = Masked(await hooks.ExecuteAsync(hook, unitHooks.Context with { Stage = HookStage.PreRestore }, cancellationToken));
        await status.RecordHookAsync(HookStage.PreRestore, result, cancellationToken);
        if (!result.Succeeded)
            throw new RestoreFailedException($"preRestore hook failed: {result.Message}");
    }

    /// <summary>Whether postRestore runs for a restore that ended as <paramref name="outcome"/> says.</summary>
    /// <exception cref="InvalidInputException">An <c>executionPolicy</c> the CRD does not allow.</exception>
    public static bool PostRestoreRuns(UnitHooks unitHooks, HookOutcome outcome) =>
        unitHooks.PostRestore is { } hook && HookPolicy.ShouldRunPostRestore(hook.ExecutionPolicy, outcome.Phase == UnitPhase.Succeeded);

    /// <summary>
    /// Runs postRestore per its policy and records its result; returns the unit's error it causes, if any
    /// (<c>postRestore hook failed: … (the data was restored)</c>, or the restore's error and the hook's).
    /// </summary>
    /// <param name="outcome">The restore's outcome as the status records it (Go duration, masked error): the template's <c>.Status</c>.</param>
    /// <param name="causeOfStop">Why <paramref name="cancellationToken"/> was cancelled, should it be while the hook runs.</param>
    public async Task<string?> RunPostRestoreAsync(UnitHooks unitHooks, HookOutcome outcome, CancellationToken cancellationToken, Func<string?> causeOfStop)
    {
        ArgumentNullException.ThrowIfNull(unitHooks);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!PostRestoreRuns(unitHooks, outcome))
            return null;
        var context = unitHooks.Context with { Stage = HookStage.PostRestore, Outcome = outcome };
        HookResult result;
        try
        {
            result = Masked(await hooks.ExecuteAsync(unitHooks.PostRestore!, context, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while the hook ran: whatever it had done, its result is unknown.
            return WithRestoreOutcome($"postRestore hook stopped: {causeOfStop() ?? "cancelled"}", outcome);
        }
        using var write = new StatusWriteBudget(cancellationToken, clock);
        await status.RecordHookAsync(HookStage.PostRestore, result, write.Token);
        return result.Succeeded ? null : WithRestoreOutcome($"postRestore hook failed: {result.Message}", outcome);
    }

    private static string WithRestoreOutcome(string hookError, HookOutcome outcome) =>
        outcome.Phase == UnitPhase.Succeeded ? hookError + " (the data was restored)" : $"{outcome.Error}; {hookError}";

    private HookResult Masked(HookResult result) => result with { Message = masker.Apply(result.Message) };
}
