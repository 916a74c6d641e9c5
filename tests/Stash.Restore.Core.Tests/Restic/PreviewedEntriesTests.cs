using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>Files apart from directories in what restic says a restore would do to the target (<c>restore --dry-run</c>).</summary>
public sealed class PreviewedEntriesTests : IDisposable
{
    private readonly string _target = Directory.CreateTempSubdirectory("previewed-entries-").FullName;

    public void Dispose() => Directory.Delete(_target, recursive: true);

    private static ResticMessage.Entry Entry(string action, string path, long size = 0) => new(action, path, size);

    [Fact]
    public void A_preview_counts_files_only_and_asks_the_snapshot_about_what_it_cannot_tell()
    {
        Directory.CreateDirectory(Path.Combine(_target, "data", "existing-empty-dir"));
        File.WriteAllText(Path.Combine(_target, "stray.txt"), "x");
        Directory.CreateDirectory(Path.Combine(_target, "stray-dir"));
        var entries = new PreviewedEntries();
        foreach (var entry in new[]
        {
            Entry("updated", "/data/a.txt", 4),
            Entry("unchanged", "/data/b.txt", 4),
            Entry("unchanged", "/data/sub/c.txt", 4),
            Entry("restored", "/data/new.bin", 10),
            Entry("restored", "/data/sub"),                  // has an entry inside: a directory
            Entry("restored", "/data/existing-empty-dir"),   // a directory in the target
            Entry("restored", "/data/new-empty-dir"),        // undecided
            Entry("restored", "/data/link"),                 // undecided
            Entry("deleted", Path.Combine(_target, "stray.txt")),
            Entry("deleted", Path.Combine(_target, "stray-dir")),
            Entry("restored", "/data"),
        })
            entries.Add(entry);

        Assert.Equal(["/data/new-empty-dir", "/data/link"], entries.Undecided(_target));
        Assert.Equal(new TargetChanges(2, 1, 2, 1, 8), entries.Count(_target, 8, new HashSet<string> { "/data/new-empty-dir", "/data/sub" }));
        // Without the snapshot's word, an undecided entry counts as a file.
        Assert.Equal(new TargetChanges(3, 1, 2, 1, 8), entries.Count(_target, 8, null));
    }
}
