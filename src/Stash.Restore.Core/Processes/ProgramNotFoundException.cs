namespace Stash.Restore.Core.Processes;

/// <summary>
/// The program (or the nice/ionice wrapper a priority needs) is not installed or not
/// executable. Maps to exit 3: a missing dependency, not a failed restore.
/// </summary>
internal sealed class ProgramNotFoundException(string program, string message, Exception? inner = null)
    : RestoreException(message, inner)
{
    /// <summary>The name or path that could not be started.</summary>
    public string Program { get; } = program;

    public override int ExitCode => ExitCodes.DependencyUnavailable;
}
