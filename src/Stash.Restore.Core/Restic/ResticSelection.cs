namespace Stash.Restore.Core.Restic;

/// <summary>
/// What one <c>restic restore</c> call restores: the latest snapshot of a path taken by a host
/// (<c>restore latest --path P --host H</c>), or one snapshot by its restic id (<c>restore ID</c>).
/// </summary>
internal sealed record ResticSelection
{
    private ResticSelection(string description) => Description = description;

    /// <summary>For logs and messages, e.g. <c>path /data of host host-1 (latest snapshot)</c>.</summary>
    public string Description { get; }

    /// <summary>The path restored from the latest snapshot; null for a snapshot selection.</summary>
    public string? Path { get; private init; }

    /// <summary>The <c>--host</c> filter of a path selection.</summary>
    public string? Host { get; private init; }

    /// <summary>The restic snapshot id of a snapshot selection.</summary>
    public string? SnapshotId { get; private init; }

    public static ResticSelection LatestOf(string path, string host) =>
        new($"path {path} of host {host} (latest snapshot)") { Path = path, Host = host };

    /// <param name="id">A restic short or long id.</param>
    /// <param name="description">How to name it; default <c>snapshot ID</c>.</param>
    public static ResticSelection Snapshot(string id, string? description = null) =>
        new(description ?? $"snapshot {id}") { SnapshotId = id };
}

/// <summary>What to restore from one repository: the calls' selections and the filters every call shares.</summary>
/// <param name="Credentials">The backend Secret's data (key → value); every value was registered with the masker where it was read.</param>
internal sealed record ResticRestoreRequest(
    BackendLocation Location,
    IReadOnlyDictionary<string, string> Credentials,
    IReadOnlyList<ResticSelection> Selections,
    IReadOnlyList<string> Include,
    IReadOnlyList<string> Exclude)
{
    /// <summary>
    /// Words the session's author passes to <c>restic restore</c> as they are (Stash's
    /// <c>target.args</c>, reaching the restore Job as <c>--args</c>), after the include/exclude
    /// patterns as Stash places them. They come from the RestoreSession, never from a Secret.
    /// </summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
