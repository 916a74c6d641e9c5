namespace Stash.Restore.Core.Restic;

/// <summary>
/// Counts what a <c>restore --dry-run --json -vv</c> call says it would do (restic ≥ 0.17), files only:
/// restic says "restored" for a file, a directory and a symlink alike, sizes directories 0, and names a
/// deleted entry by its path on the target with size 0. Nothing is written during a dry run, so a deleted
/// entry is still on disk (one <c>lstat</c> tells a directory); a "restored" entry of size 0 is a
/// directory when restic named something inside it, or when the target has a directory there; what is
/// left undecided (an empty new directory, a new symlink or empty file) is looked up in the snapshot
/// (<see cref="Undecided"/>).
/// </summary>
internal sealed class PreviewedEntries
{
    private readonly HashSet<string> _parents = new(StringComparer.Ordinal);
    private readonly List<string> _emptyRestored = [];
    private long _restored;
    private long _updated;
    private long _unchanged;
    private long _deleted;

    public void Add(ResticMessage.Entry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        switch (item.Action)
        {
            case "restored" when item.Size == 0:
                _emptyRestored.Add(item.Path);
                break;
            case "restored":
                _restored++;
                break;
            case "updated":
                _updated++;
                break;
            case "unchanged":
                _unchanged++;
                break;
            case "deleted":
                if (!RestoredEntries.IsDirectory("/", item.Path))
                    _deleted++;
                return;
            default:
                return;
        }
        if (Path.GetDirectoryName(item.Path) is { Length: > 0 } parent)
            _parents.Add(parent);
    }

    /// <summary>The "restored" entries of size 0 that neither restic's output nor the target tells apart from a file.</summary>
    public IReadOnlyList<string> Undecided(string targetDirectory) =>
        [.. _emptyRestored.Where(path => !_parents.Contains(path) && !RestoredEntries.IsDirectory(targetDirectory, path))];

    /// <param name="snapshotDirectories">The snapshot's directories, when <see cref="Undecided"/> needed them; null counts the undecided as files.</param>
    public TargetChanges Count(string targetDirectory, long bytes, IReadOnlySet<string>? snapshotDirectories)
    {
        var emptyFiles = Undecided(targetDirectory).Count(path => snapshotDirectories?.Contains(path) != true);
        return new TargetChanges(_restored + emptyFiles, _updated, _unchanged, _deleted, bytes);
    }
}
