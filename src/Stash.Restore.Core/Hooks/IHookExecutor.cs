namespace Stash.Restore.Core.Hooks;

internal enum HookStage
{
    PreRestore,
    PostRestore,
}

/// <summary>What a hook template may read, and where an exec hook may run.</summary>
/// <param name="Namespace">The session's namespace (<c>.Namespace</c>).</param>
/// <param name="SessionName">The session's name (<c>.Name</c>).</param>
/// <param name="Hostname">The unit restored (<c>.Hostname</c>).</param>
/// <param name="Outcome">The restore's outcome (<c>.Status</c>): set for postRestore only, its error already masked.</param>
internal sealed record HookContext(
    HookStage Stage,
    string Namespace,
    string SessionName,
    string Hostname,
    HookOutcome? Outcome)
{
    /// <summary>The restore target (<c>.Target.Kind/Name/Namespace/APIVersion</c>); empty fields when null.</summary>
    public HookTarget? Target { get; init; }
}

/// <summary>How the restore ended, as a postRestore hook's template sees it.</summary>
internal sealed record HookOutcome(string Phase, string? Duration, string? Error);

internal sealed record HookResult(bool Succeeded, string Message);

/// <summary>Runs one preRestore/postRestore hook of any handler kind, with a timeout.</summary>
internal interface IHookExecutor
{
    Task<HookResult> ExecuteAsync(HookSpec hook, HookContext context, CancellationToken cancellationToken);
}
