using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Cluster;

/// <summary>
/// Runs hooks for other containers of the executor's own pod (<c>POD_NAMESPACE</c>/<c>POD_NAME</c>)
/// through <c>pods/exec</c>: the hook's exit code, or a <see cref="PodExecException"/> saying why there is none.
/// </summary>
internal sealed class OwnPodExec(KubernetesPodExec podExec, string podNamespace, string podName) : IPodExec
{
    public async Task<int> ExecAsync(string container, IReadOnlyList<string> command, Action<OutputStream, string> onLine, CancellationToken cancellationToken)
    {
        PodExecResult result;
        try
        {
            result = await podExec.ExecAsync(podNamespace, podName, container, command, onLine, cancellationToken).ConfigureAwait(false);
        }
        catch (RestoreException e)
        {
            // Forbidden, unknown container, API server unreachable: the hook failed, the message says why.
            throw new PodExecException(e.Message, e);
        }
        // -1: the server never reported an exit code (could not start the command, stream ended early).
        if (result.ExitCode < 0)
            throw new PodExecException(result.Message ?? $"exec in pod {podNamespace}/{podName} container \"{container}\" reported no exit code");
        return result.ExitCode;
    }
}
