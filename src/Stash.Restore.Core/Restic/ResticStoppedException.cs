namespace Stash.Restore.Core.Restic;

/// <summary>
/// restic was stopped (signal, deadline, lost claim) before it finished. Carries the last
/// error restic reported before the stop, masked: restic retries an unreachable server, an
/// untrusted certificate or a refused key for minutes, so that line is the actual cause when a
/// deadline ends the wait.
/// </summary>
internal sealed class ResticStoppedException(string message, string? lastError, CancellationToken cancellationToken)
    : OperationCanceledException(message, null, cancellationToken)
{
    /// <summary>restic's last complaint before it was stopped, or null when it had none.</summary>
    public string? LastError { get; } = lastError;
}
