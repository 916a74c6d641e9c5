namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Stash's <c>output.json</c>: what <c>restore-pvc</c> hands to <c>update-status</c> and the
/// <c>run-hook</c> containers of the restore Job, in Stash's own shape
/// (<c>{"targetStatus":{"ref":{…},"stats":[{"hostname","phase","duration","error"}]}}</c>; Go's
/// <c>omitempty</c>: empty strings and an empty list are left out, <c>targetStatus</c> and <c>ref</c> never).
/// </summary>
internal sealed record RestoreOutput
{
    public const string FileName = "output.json";

    public RestoreMemberStatus TargetStatus { get; init; } = new();
}

/// <summary>The restored target and its hosts' entries (Stash's <c>RestoreMemberStatus</c>, the fields it writes).</summary>
internal sealed record RestoreMemberStatus
{
    public TargetReference Ref { get; init; } = new();

    public List<HostRestoreStats>? Stats { get; init; }
}
