using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Cluster;

/// <summary>What hooks default to from the executor's own Pod: its IP and named container ports.</summary>
internal static class PodHookDefaults
{
    /// <summary>
    /// Takes the pod IP and the named ports from the executor's own pod (GET through the API).
    /// Pod-wide, the first container (in spec order) that declares a name wins.
    /// </summary>
    public static HookExecutorOptions WithPod(this HookExecutorOptions options, PodInfo pod)
    {
        var podWide = new Dictionary<string, int>(StringComparer.Ordinal);
        var byContainer = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var container in pod.Containers)
        {
            var ports = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var port in container.Ports.Where(p => !string.IsNullOrEmpty(p.Name)))
            {
                ports.TryAdd(port.Name!, port.ContainerPort);
                podWide.TryAdd(port.Name!, port.ContainerPort);
            }
            byContainer[container.Name] = ports;
        }
        return options with
        {
            PodIp = string.IsNullOrEmpty(pod.PodIP) ? options.PodIp : pod.PodIP,
            NamedPorts = podWide,
            ContainerNamedPorts = byContainer,
        };
    }
}
