using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>Where cache, TMPDIR and credential files go: the flag, the pod's emptyDir, else the user's cache.</summary>
public sealed class ScratchDirectoryChoiceTests
{
    private static readonly Dictionary<string, string> Home = new() { ["HOME"] = "/home/op" };

    private static Func<string, bool> Existing(params string[] directories) => directories.Contains;

    [Fact]
    public void The_flag_wins_and_is_made_absolute()
    {
        var options = new RestoreOptions { ScratchDir = "scratch" };

        Assert.Equal(Path.GetFullPath("scratch"), StashScratchDirectory.Choose(options, Home, Existing("/stash-tmp")));
        Assert.Equal(Path.GetFullPath("scratch"), KubeStashScratchDirectory.Choose(options, Home, Existing("/stash-tmp", "/kubestash-tmp")));
    }

    [Fact]
    public void Stash_uses_stash_tmp_when_the_pod_mounts_it()
    {
        Assert.Equal("/stash-tmp", StashScratchDirectory.Choose(new RestoreOptions(), Home, Existing("/stash-tmp", "/kubestash-tmp")));
        // A KubeStash pod directory means nothing to a Stash run.
        Assert.Equal("/home/op/.cache/stash-restore", StashScratchDirectory.Choose(new RestoreOptions(), Home, Existing("/kubestash-tmp")));
    }

    [Fact]
    public void KubeStash_uses_kubestash_tmp_unless_stash_tmp_exists()
    {
        Assert.Equal("/kubestash-tmp", KubeStashScratchDirectory.Choose(new RestoreOptions(), Home, Existing("/kubestash-tmp")));
        Assert.Equal("/stash-tmp", KubeStashScratchDirectory.Choose(new RestoreOptions(), Home, Existing("/stash-tmp", "/kubestash-tmp")));
    }

    [Fact]
    public void Without_a_pod_directory_it_is_the_XDG_cache_then_home_then_a_new_temp_folder()
    {
        var xdg = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = "/xdg", ["HOME"] = "/home/op" };
        var bare = new Dictionary<string, string> { ["TMPDIR"] = "/scratch-tmp" };

        Assert.Equal("/xdg/stash-restore", ScratchDirectoryChoice.Choose(null, ["/stash-tmp"], xdg, Existing()));
        Assert.Equal("/home/op/.cache/stash-restore", ScratchDirectoryChoice.Choose(null, ["/stash-tmp"], Home, Existing()));
        var first = ScratchDirectoryChoice.Choose(null, ["/stash-tmp"], bare, Existing());
        Assert.Matches("^/scratch-tmp/stash-restore-[0-9a-f]{32}$", first);
        Assert.False(Directory.Exists(first), "choosing creates nothing");
    }
}
