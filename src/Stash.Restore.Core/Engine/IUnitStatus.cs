using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Engine;

/// <summary>One unit's final (or Running) entry: phase, Go-format duration and the masked error.</summary>
internal sealed record UnitStatusEntry(string Phase, string? Duration = null, string? Error = null);

/// <summary>
/// This unit's entry in its session's status: a host's <c>status.stats[]</c> entry (Stash) or a
/// component's <c>status.components[c]</c> (KubeStash), in the API or in a status file. The
/// family binds it to the unit; the engine only says what to write.
/// </summary>
internal interface IUnitStatus
{
    /// <summary>The unit's current phase, or null when it has no entry yet.</summary>
    Task<string?> GetPhaseAsync(CancellationToken cancellationToken);

    /// <summary>Writes the unit's entry; never touches another unit's entry or the operator's fields.</summary>
    Task WriteAsync(UnitStatusEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// restic's progress while the unit is Running, already throttled by the engine (at most one call
    /// every <see cref="RestoreParts{TStatus}.ProgressInterval"/>, never two at once). Where the family has
    /// no place for it in the status, it logs it. A failure here never fails the restore.
    /// </summary>
    Task ReportProgressAsync(UnitProgress progress, CancellationToken cancellationToken);

    /// <summary>A hook's result, where the family records hooks (Stash: session conditions).</summary>
    Task RecordHookAsync(HookStage stage, HookResult result, CancellationToken cancellationToken);
}
