namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// Which Snapshot a run restores (SPEC §13): <c>--snapshot</c> (the operator passes it), else
/// <c>spec.dataSource.snapshot</c>; <c>latest</c> is resolved here, as the newest Succeeded Snapshot
/// of the Repository by <c>status.snapshotTime</c>.
/// </summary>
/// <param name="Namespace">The data-source namespace the Snapshot is in.</param>
/// <param name="Name">A Snapshot name, or <c>latest</c>.</param>
/// <param name="ChosenBy">Where the name came from, for the log: <c>--snapshot</c> or <c>spec.dataSource.snapshot</c>.</param>
internal sealed record SnapshotChoice(string Namespace, string Name, string ChosenBy)
{
    public const string FlagName = "--snapshot";

    public bool IsLatest => Name == KubeStashValidation.LatestSnapshot;

    /// <summary>The Snapshot the flag or the session names (empty flag = unset).</summary>
    /// <exception cref="InvalidInputException">Neither names one.</exception>
    public static SnapshotChoice Requested(string? snapshotFlag, RestoreSession session)
    {
        var @namespace = session.DataSourceNamespace();
        if (!string.IsNullOrWhiteSpace(snapshotFlag))
            return new SnapshotChoice(@namespace, snapshotFlag.Trim(), FlagName);
        if (session.Spec.DataSource?.Snapshot is { Length: > 0 } named)
            return new SnapshotChoice(@namespace, named.Trim(), "spec.dataSource.snapshot");
        throw new InvalidInputException($"{session.Describe()}: no Snapshot to restore: spec.dataSource.snapshot is empty and {FlagName} was not given");
    }

    /// <summary>
    /// The newest <c>Succeeded</c> Snapshot of <paramref name="repository"/> in <paramref name="namespace"/>
    /// by <c>status.snapshotTime</c> (ties: the later name, so the choice is stable).
    /// </summary>
    /// <exception cref="DependencyUnavailableException">No such Snapshot; the message lists what there is.</exception>
    public static Snapshot Latest(IEnumerable<Snapshot> snapshots, string @namespace, string repository)
    {
        var ofRepository = snapshots
            .Where(s => s.Metadata.Namespace == @namespace && s.Spec.Repository == repository)
            .ToList();
        var newest = ofRepository
            .Where(s => s.Status?.Phase == SnapshotPhase.Succeeded && s.Status.SnapshotTime is not null)
            .OrderByDescending(s => s.Status!.SnapshotTime)
            .ThenByDescending(s => s.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (newest is not null)
            return newest;
        var found = ofRepository.Count == 0
            ? "it has none"
            : "found: " + string.Join(", ", ofRepository
                .OrderBy(s => s.Metadata.Name, StringComparer.Ordinal)
                .Select(s => $"{s.Metadata.Name} ({s.Status?.Phase ?? "no phase"}{(s.Status?.SnapshotTime is null ? ", no snapshotTime" : "")})"));
        throw new DependencyUnavailableException($"latest Snapshot of Repository {@namespace}/{repository}: no Succeeded Snapshot with a snapshotTime ({found})");
    }

    /// <summary>
    /// Refuses a Snapshot that cannot be restored: not <c>Succeeded</c>, or of another Repository
    /// than the session names.
    /// </summary>
    /// <exception cref="InvalidInputException">The Snapshot is refused (exit 2, nothing written).</exception>
    public static Snapshot EnsureRestorable(Snapshot snapshot, string? sessionRepository)
    {
        var phase = snapshot.Status?.Phase;
        if (phase != SnapshotPhase.Succeeded)
            throw new InvalidInputException($"{snapshot.Describe()} is {(string.IsNullOrEmpty(phase) ? "without a phase" : phase)}, not Succeeded: only a Succeeded Snapshot is restored");
        if (!string.IsNullOrWhiteSpace(sessionRepository) && !string.IsNullOrWhiteSpace(snapshot.Spec.Repository) && snapshot.Spec.Repository != sessionRepository)
            throw new InvalidInputException($"{snapshot.Describe()} belongs to Repository \"{snapshot.Spec.Repository}\", not \"{sessionRepository}\" (spec.dataSource.repository)");
        return snapshot;
    }

    /// <summary>The Repository to read: <c>spec.dataSource.repository</c>, else the Snapshot's own.</summary>
    /// <exception cref="InvalidInputException">Neither names one.</exception>
    public static string RepositoryName(RestoreSession session, Snapshot snapshot) =>
        session.Spec.DataSource?.Repository is { Length: > 0 } named ? named
        : snapshot.Spec.Repository is { Length: > 0 } own ? own
        : throw new InvalidInputException($"{snapshot.Describe()}: spec.repository is empty and spec.dataSource.repository is not set; cannot tell which Repository holds the data");
}
