using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Restic;

/// <summary>
/// Runs a restic call that only reads the repository (a planned <c>restic ls --json</c>): each stdout
/// line goes to the caller as it arrives, and restic's last stderr line comes back with the result to
/// say why it failed.
/// </summary>
internal static class ResticReadingCall
{
    /// <exception cref="OperationCanceledException">The call was stopped.</exception>
    /// <exception cref="ProgramNotFoundException">restic is missing.</exception>
    public static async Task<(ProcessResult Result, string? LastError)> RunAsync(IProcessRunner processes, ProcessSpec call, Action<string> onLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(processes);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(onLine);
        string? lastError = null;
        var result = await processes.RunAsync(call, (stream, line) =>
        {
            if (stream == OutputStream.StandardError)
            {
                if (!string.IsNullOrWhiteSpace(line))
                    lastError = ResticOutput.Clean(line);
            }
            else
            {
                onLine(line);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (result.WasCancelled || cancellationToken.IsCancellationRequested)
            throw new OperationCanceledException($"restic {call.Arguments.FirstOrDefault()} was stopped", null, cancellationToken);
        return (result, lastError);
    }
}
