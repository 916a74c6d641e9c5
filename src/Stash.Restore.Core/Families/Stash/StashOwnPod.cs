using Serilog;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// The executor's own Pod (IP, named ports) is read only for HTTP and TCP hooks, which default
/// their host to the pod IP and may name a port; every other run saves the API call.
/// </summary>
internal static class StashOwnPod
{
    /// <summary>Whether a hook of <paramref name="session"/> needs the Pod, and the downward API names it.</summary>
    public static bool IsNeeded(RestoreSession session, PodIdentity pod)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(pod);
        var hooks = new[] { session.Spec.Hooks?.PreRestore, session.Spec.Hooks?.PostRestore };
        var needsPod = hooks.Any(h => h?.HttpGet is not null || h?.HttpPost is not null || h?.TcpSocket is not null);
        return needsPod && pod.PodName is not null && pod.PodNamespace is not null;
    }

    /// <summary>
    /// The Pod when <see cref="IsNeeded"/>, else null. Best effort: when it cannot be read that is a
    /// warning, and such hooks need an explicit host and port.
    /// </summary>
    public static async Task<PodInfo?> ReadAsync(IKubernetesApi api, PodIdentity pod, RestoreSession session, ILogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(log);
        if (!IsNeeded(session, pod))
            return null;
        try
        {
            return await api.GetPodAsync(pod.PodNamespace!, pod.PodName!, cancellationToken).ConfigureAwait(false);
        }
        catch (RestoreException e)
        {
            log.Warning("Could not read this pod for hook defaults (pod IP, named ports): {Error}", e.Message);
            return null;
        }
    }
}
