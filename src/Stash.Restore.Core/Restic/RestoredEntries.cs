namespace Stash.Restore.Core.Restic;

/// <summary>
/// Counts the entries one restic call reports restoring (<c>--json -vv</c> <c>verbose_status</c> lines,
/// restic ≥ 0.17), directories apart from everything else. restic says "restored" for a file, a
/// directory and a symlink alike and gives directories size 0, so an entry of size 0 is looked at on
/// disk — it is there: restic reports it once written. Only empty files, directories and special
/// entries cost that one <c>lstat</c>; files with data are known by their size.
/// </summary>
internal sealed class RestoredEntries
{
    /// <summary>Restored or updated entries that are not directories: regular files, symlinks, other special files.</summary>
    public long Files { get; private set; }

    public long Directories { get; private set; }

    /// <summary>Everything restored or updated, as restic's own summary counts it.</summary>
    public long Entries => Files + Directories;

    /// <summary>
    /// Entries mirror mode deleted that are not directories. restic reports a deletion once it is done,
    /// an entry's contents before the entry (a directory is named right after one of its children), so a
    /// deleted directory is known by the child named before it; an empty one counts as a file.
    /// </summary>
    public long FilesDeleted { get; private set; }

    public long DirectoriesDeleted { get; private set; }

    private string? _lastDeleted;

    public void Add(ResticMessage.Entry item, string targetDirectory)
    {
        switch (item.Action)
        {
            case "restored" when item.Size == 0 && IsDirectory(targetDirectory, item.Path):
                Directories++;
                break;
            case "restored":
            case "updated":
                Files++;
                break;
            case "deleted":
                if (_lastDeleted is { } previous && IsUnder(previous, item.Path))
                    DirectoriesDeleted++;
                else
                    FilesDeleted++;
                _lastDeleted = item.Path;
                break;
            default:
                // "unchanged" files are counted by restic's summary as skipped.
                break;
        }
    }

    /// <summary>Whether <paramref name="path"/> lies inside the directory <paramref name="directory"/>.</summary>
    internal static bool IsUnder(string path, string directory) =>
        path.Length > directory.Length + 1 && path.StartsWith(directory, StringComparison.Ordinal) && path[directory.TrimEnd('/').Length] == '/';

    /// <summary>A real directory (not a symlink to one) at <paramref name="path"/> under <paramref name="targetDirectory"/>.</summary>
    internal static bool IsDirectory(string targetDirectory, string path)
    {
        if (string.IsNullOrEmpty(path))
            return false;
        var info = new DirectoryInfo(Path.Join(targetDirectory, path.TrimStart('/')));
        return info.Exists && info.LinkTarget is null;
    }
}
