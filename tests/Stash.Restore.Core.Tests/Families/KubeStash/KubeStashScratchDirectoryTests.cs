using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

/// <summary>Where a KubeStash run keeps restic's cache, TMPDIR and credential files.</summary>
public sealed class KubeStashScratchDirectoryTests
{
    private static readonly Dictionary<string, string> Home = new() { ["HOME"] = "/home/op" };

    private static Func<string, bool> Existing(params string[] directories) => directories.Contains;

    [Fact]
    public void The_flag_wins_and_is_made_absolute() =>
        Assert.Equal(Path.GetFullPath("scratch"), KubeStashScratchDirectory.Choose(new RestoreOptions { ScratchDir = "scratch" }, Home, Existing("/stash-tmp", "/kubestash-tmp")));

    [Fact]
    public void KubeStash_uses_kubestash_tmp_unless_stash_tmp_exists()
    {
        Assert.Equal("/kubestash-tmp", KubeStashScratchDirectory.Choose(new RestoreOptions(), Home, Existing("/kubestash-tmp")));
        Assert.Equal("/stash-tmp", KubeStashScratchDirectory.Choose(new RestoreOptions(), Home, Existing("/stash-tmp", "/kubestash-tmp")));
    }
}
