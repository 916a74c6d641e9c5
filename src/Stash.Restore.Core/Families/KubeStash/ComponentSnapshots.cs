namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>One restic snapshot of a component, as the Snapshot object records it.</summary>
/// <param name="Id">restic's snapshot id (what <c>restic restore &lt;id&gt;</c> takes).</param>
/// <param name="HostPath">The backed-up path, for messages; may be empty on older Snapshots.</param>
internal sealed record ResticSnapshotRef(string Id, string? HostPath);

/// <summary>
/// What restic restores for one component: the component's restic repository path and one
/// snapshot id per <c>status.components[c].resticStats</c> entry (<c>summary.id</c>, or the
/// older flat <c>id</c>), in the order recorded.
/// </summary>
/// <param name="Component">The component name.</param>
/// <param name="Path">The component's directory in the Repository, e.g. <c>repository/v1/&lt;session&gt;/&lt;component&gt;</c>.</param>
/// <param name="Snapshots">One restic call each.</param>
internal sealed record ComponentSnapshots(string Component, string Path, IReadOnlyList<ResticSnapshotRef> Snapshots)
{
    public const string ResticDriver = "Restic";

    /// <summary>Reads <paramref name="component"/> of <paramref name="snapshot"/>; the caller has checked the component exists.</summary>
    /// <exception cref="InvalidInputException">
    /// The component is not <c>Succeeded</c>, was not made by restic, has no path, or an entry has no id.
    /// </exception>
    public static ComponentSnapshots From(Snapshot snapshot, string component)
    {
        var where = $"{snapshot.Describe()} status.components.{component}";
        if (snapshot.Status?.Components?.GetValueOrDefault(component) is not { } entry)
            throw new InvalidInputException($"{where}: not found");
        if (entry.Phase != SnapshotPhase.Succeeded)
            throw new InvalidInputException(
                $"{where}: phase is {(string.IsNullOrEmpty(entry.Phase) ? "empty" : entry.Phase)}, not Succeeded{(string.IsNullOrEmpty(entry.Error) ? "" : $" (backup error: {entry.Error})")}: only a Succeeded component is restored");
        if (!string.IsNullOrEmpty(entry.Driver) && entry.Driver != ResticDriver)
            throw new InvalidInputException($"{where}: driver {entry.Driver} is not restored by this executor (only {ResticDriver})");
        if (string.IsNullOrWhiteSpace(entry.Path))
            throw new InvalidInputException($"{where}.path: is empty; cannot tell where the component's restic repository is");
        var stats = entry.ResticStats ?? [];
        if (stats.Count == 0)
            throw new InvalidInputException($"{where}.resticStats: is empty; the component has no restic snapshot to restore");
        var refs = new List<ResticSnapshotRef>(stats.Count);
        for (var i = 0; i < stats.Count; i++)
        {
            var id = stats[i].Summary?.Id is { Length: > 0 } nested ? nested : stats[i].Id;
            if (string.IsNullOrWhiteSpace(id))
                throw new InvalidInputException($"{where}.resticStats[{i}]: has no summary.id (nor id)");
            var hostPath = stats[i].Summary?.HostPath is { Length: > 0 } nestedPath ? nestedPath : stats[i].HostPath;
            refs.Add(new ResticSnapshotRef(id.Trim(), hostPath));
        }
        return new ComponentSnapshots(component, entry.Path.Trim(), refs);
    }
}
