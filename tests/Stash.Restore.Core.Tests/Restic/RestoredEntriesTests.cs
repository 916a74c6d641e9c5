using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>Files apart from directories in what restic 0.17+ reports restoring and, in mirror mode, deleting (<c>--json -vv</c>).</summary>
public sealed class RestoredEntriesTests : IDisposable
{
    private readonly string _target = Directory.CreateTempSubdirectory("restored-entries-").FullName;

    public void Dispose() => Directory.Delete(_target, recursive: true);

    private static ResticMessage.Entry Entry(string action, string path, long size = 0) => new(action, path, size);

    [Fact]
    public void A_deleted_directory_is_known_by_the_child_restic_names_just_before_it()
    {
        // restic walks each entry it deletes, then reports the walk backwards: contents first.
        var entries = new RestoredEntries();
        foreach (var path in new[] { "/t/data/z.txt", "/t/data/old/b/deep.txt", "/t/data/old/b", "/t/data/old/a.txt", "/t/data/old", "/t/data/empty-dir", "/t/data/oldish.txt" })
            entries.Add(Entry("deleted", path), "/");

        // old and old/b are directories; empty-dir cannot be told from a file once it is gone.
        Assert.Equal(2, entries.DirectoriesDeleted);
        Assert.Equal(5, entries.FilesDeleted);
        Assert.Equal(0, entries.Entries);
    }

    [Fact]
    public void A_size_0_entry_is_a_directory_only_when_a_real_directory_is_there()
    {
        Directory.CreateDirectory(Path.Combine(_target, "data", "dir"));
        File.WriteAllText(Path.Combine(_target, "data", "empty"), "");
        Directory.CreateSymbolicLink(Path.Combine(_target, "data", "link-to-dir"), "dir");
        var entries = new RestoredEntries();
        entries.Add(Entry("restored", "/data/dir"), _target);
        entries.Add(Entry("restored", "/data/empty"), _target);
        entries.Add(Entry("restored", "/data/link-to-dir"), _target);
        entries.Add(Entry("updated", "/data/file", 12), _target);
        entries.Add(Entry("unchanged", "/data/same", 12), _target);

        Assert.Equal(1, entries.Directories);
        // The empty file, the symlink (to a directory, but not one) and the updated file; unchanged is restic's summary's to count.
        Assert.Equal(3, entries.Files);
        Assert.Equal(4, entries.Entries);
    }
}
