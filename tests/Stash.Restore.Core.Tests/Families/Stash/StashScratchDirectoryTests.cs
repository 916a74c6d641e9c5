using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>Where a Stash run keeps restic's cache, TMPDIR and credential files.</summary>
public sealed class StashScratchDirectoryTests
{
    private static readonly Dictionary<string, string> Home = new() { ["HOME"] = "/home/op" };

    private static Func<string, bool> Existing(params string[] directories) => directories.Contains;

    [Fact]
    public void The_flag_wins_and_is_made_absolute() =>
        Assert.Equal(Path.GetFullPath("scratch"), StashScratchDirectory.Choose(new RestoreOptions { ScratchDir = "scratch" }, Home, Existing("/stash-tmp")));

    [Fact]
    public void Stash_uses_stash_tmp_when_the_pod_mounts_it()
    {
        Assert.Equal("/stash-tmp", StashScratchDirectory.Choose(new RestoreOptions(), Home, Existing("/stash-tmp", "/kubestash-tmp")));
        // A KubeStash pod directory means nothing to a Stash run.
        Assert.Equal("/home/op/.cache/stash-restore", StashScratchDirectory.Choose(new RestoreOptions(), Home, Existing("/kubestash-tmp")));
    }
}
