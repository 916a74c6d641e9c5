using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// Everything the engine needs to restore one unit, decided by its family: what restic restores
/// and how, the hooks around it, the deadline, and the words its events use.
/// </summary>
/// <param name="Restic">The repository and selections restic restores.</param>
/// <param name="Options">restic's options; the engine sets <c>Resume</c> when the unit failed before.</param>
/// <param name="Origin">Where the data comes from, in words, for the log and the success event: <c>by rule 0 from source host "host-1"</c>.</param>
/// <param name="Hooks">Template data and the hooks to run; <see cref="UnitHooks.None"/> when the family's operator runs hooks itself.</param>
/// <param name="Deadline">When restic must be stopped (session timeout or deadline); null for none.</param>
internal sealed record UnitRestoreJob(
    RestoreUnit Unit,
    ResticRestoreRequest Restic,
    ResticRestoreOptions Options,
    string Origin,
    UnitHooks Hooks,
    DateTimeOffset? Deadline,
    UnitEventReasons Reasons);

/// <summary>The preRestore and postRestore hooks of a unit, and what their templates read.</summary>
internal sealed record UnitHooks(HookSpec? PreRestore, HookSpec? PostRestore, HookContext Context)
{
    public static UnitHooks None(RestoreUnit unit) => new(null, null, new HookContext(HookStage.PreRestore, "", "", unit.Name, null));
}

/// <summary>The Event reasons a family uses for a unit's success and failure.</summary>
internal sealed record UnitEventReasons(string Succeeded, string Failed)
{
    /// <summary>The Normal event of a restored unit; <paramref name="message"/> says how it went.</summary>
    public RestoreEvent Success(string message) => new(RestoreEventType.Normal, Succeeded, message);

    /// <summary>The Warning event of a failed unit: <c>Failed to restore host "host-1": …</c>, the error already masked.</summary>
    public RestoreEvent Failure(RestoreUnit unit, string error) => new(RestoreEventType.Warning, Failed, $"Failed to restore {unit}: {error}");
}
