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
            default:
                // "unchanged" files are counted by restic's summary as skipped; "deleted" were not restored.
                break;
        }
    }

    /// <summary>A real directory (not a symlink to one) at <paramref name="path"/> under <paramref name="targetDirectory"/>.</summary>
    internal static bool IsDirectory(string targetDirectory, string path)
    {
        if (string.IsNullOrEmpty(path))
            return false;
        var info = new DirectoryInfo(Path.Join(targetDirectory, path.TrimStart('/')));
        return info.Exists && info.LinkTarget is null;
    }
}
