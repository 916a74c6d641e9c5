namespace Stash.Restore.Core.Engine;

/// <summary>
/// Why the run is being stopped from outside (SIGTERM/SIGINT). Set by the CLI before it
/// cancels the run's token, read by the pipeline to record the cause and pick the exit code.
/// </summary>
internal sealed class Interruption
{
    private volatile string? _reason;

    public string? Reason => _reason;

    public int ExitCode { get; private set; } = ExitCodes.RestoreFailed;

    public void Record(string reason, int exitCode)
    {
        ExitCode = exitCode;
        _reason = reason;
    }
}
