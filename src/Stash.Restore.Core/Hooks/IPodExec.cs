using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Hooks;

/// <summary>
/// Runs a command in another container of the executor's own pod through the Kubernetes
/// <c>pods/exec</c> subresource (the Kubernetes client provides it; tests use a fake).
/// </summary>
internal interface IPodExec
{
    /// <summary>
    /// Runs <paramref name="command"/> as argv (no shell) in <paramref name="container"/> and
    /// returns its exit code, delivering each stdout/stderr line as it arrives.
    /// Cancellation closes the stream and throws <see cref="OperationCanceledException"/>;
    /// Kubernetes cannot kill the remote process, so it may keep running.
    /// </summary>
    /// <exception cref="PodExecException">The exec could not be started or the stream broke.</exception>
    Task<int> ExecAsync(
        string container,
        IReadOnlyList<string> command,
        Action<OutputStream, string> onLine,
        CancellationToken cancellationToken);
}

/// <summary>pods/exec failed before the command reported an exit code (forbidden, no such container, stream lost).</summary>
internal sealed class PodExecException(string message, Exception? inner = null) : Exception(message, inner);
