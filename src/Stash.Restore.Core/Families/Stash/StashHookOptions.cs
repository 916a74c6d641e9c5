using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>How a Stash run's hooks execute: the flags' timeout and own container, the own Pod's IP and named ports.</summary>
internal static class StashHookOptions
{
    /// <param name="pod">The own Pod when it was read (<see cref="StashOwnPod"/>), else null.</param>
    /// <param name="podIp">The downward API's <c>POD_IP</c>: the pod's own word for its address, so it wins over the Pod read.</param>
    public static HookExecutorOptions From(RestoreOptions options, PodInfo? pod, string? podIp)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hookOptions = new HookExecutorOptions { Timeout = options.HookTimeout, OwnContainerName = options.OwnContainer };
        hookOptions = pod is null ? hookOptions : hookOptions.WithPod(pod);
        return podIp is null ? hookOptions : hookOptions with { PodIp = podIp };
    }
}
