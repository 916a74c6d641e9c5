using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// The scratch directory (restic cache, TMPDIR, credential files): <c>--scratch-dir</c>, else the
/// first of the family's well-known directories that exists (the executor pod's emptyDir), else
/// <see cref="ResticWorkspace.DefaultScratchDirectory"/> (XDG cache, home cache, a new temp folder).
/// </summary>
internal static class ScratchDirectoryChoice
{
    /// <param name="flag"><c>--scratch-dir</c>, or null.</param>
    /// <param name="wellKnown">The family's pod scratch directories, in order of preference.</param>
    /// <param name="directoryExists">Whether a directory exists (the file system, or a test's answer).</param>
    /// <returns>An absolute path; nothing is created.</returns>
    public static string Choose(string? flag, IReadOnlyList<string> wellKnown, IReadOnlyDictionary<string, string> environment, Func<string, bool> directoryExists)
    {
        ArgumentNullException.ThrowIfNull(wellKnown);
        ArgumentNullException.ThrowIfNull(directoryExists);
        var scratch = flag
            ?? wellKnown.FirstOrDefault(directoryExists)
            ?? ResticWorkspace.DefaultScratchDirectory(environment);
        return Path.GetFullPath(scratch);
    }
}
