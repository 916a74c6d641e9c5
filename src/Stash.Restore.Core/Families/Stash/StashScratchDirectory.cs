using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>Stash's executor pods mount their scratch emptyDir at <c>/stash-tmp</c>.</summary>
internal static class StashScratchDirectory
{
    public const string PodDirectory = "/stash-tmp";

    /// <summary>The scratch directory of this run (see <see cref="ScratchDirectoryChoice"/>): an absolute path; nothing is created.</summary>
    public static string Choose(RestoreOptions options, IReadOnlyDictionary<string, string> environment, Func<string, bool> directoryExists)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ScratchDirectoryChoice.Choose(options.ScratchDir, [PodDirectory], environment, directoryExists);
    }
}
