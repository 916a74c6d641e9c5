using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// KubeStash's executor pods use <c>/kubestash-tmp</c>; an image that also mounts Stash's
/// <c>/stash-tmp</c> keeps using that, as before KubeStash support.
/// </summary>
internal static class KubeStashScratchDirectory
{
    public const string PodDirectory = "/kubestash-tmp";

    /// <summary>Stash's pod scratch directory, preferred when it exists.</summary>
    private const string StashPodDirectory = "/stash-tmp";

    /// <summary>The scratch directory of this run (see <see cref="ScratchDirectoryChoice"/>): an absolute path; nothing is created.</summary>
    public static string Choose(RestoreOptions options, IReadOnlyDictionary<string, string> environment, Func<string, bool> directoryExists)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ScratchDirectoryChoice.Choose(options.ScratchDir, [StashPodDirectory, PodDirectory], environment, directoryExists);
    }
}
