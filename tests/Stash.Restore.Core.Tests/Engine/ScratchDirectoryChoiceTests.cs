using Stash.Restore.Core.Engine;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>Where cache, TMPDIR and credential files go: the flag, the pod's emptyDir, else the user's cache.</summary>
public sealed class ScratchDirectoryChoiceTests
{
    private static readonly Dictionary<string, string> Home = new() { ["HOME"] = "/home/op" };

    private static Func<string, bool> Existing(params string[] directories) => directories.Contains;

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
