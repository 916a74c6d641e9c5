using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>How hooks run: the flags' timeout and own container, the own Pod's address and ports, POD_IP first.</summary>
public sealed class StashHookOptionsTests
{
    private static readonly PodInfo Pod = new("app-0", "demo", "10.0.0.7",
        [new ContainerInfo("app", [new ContainerPortInfo("http", 8080)]), new ContainerInfo("stash-init", [])]);

    [Fact]
    public void Without_a_pod_the_flags_decide_and_the_host_is_left_to_the_executor()
    {
        var options = StashHookOptions.From(new RestoreOptions { HookTimeout = TimeSpan.FromSeconds(42), OwnContainer = "restore" }, pod: null, podIp: null);

        Assert.Equal((TimeSpan.FromSeconds(42), "restore"), (options.Timeout, options.OwnContainerName));
        Assert.Null(options.PodIp);
        Assert.Empty(options.NamedPorts);
    }

    [Fact]
    public void The_pods_address_and_named_ports_become_the_hook_defaults()
    {
        var options = StashHookOptions.From(new RestoreOptions(), Pod, podIp: null);

        Assert.Equal("10.0.0.7", options.PodIp);
        Assert.Equal(8080, options.NamedPorts["http"]);
        Assert.Equal((HookExecutorOptions.DefaultTimeout, HookExecutorOptions.DefaultOwnContainerName), (options.Timeout, options.OwnContainerName));
    }

    [Fact]
    public void POD_IP_wins_over_the_pod_read()
    {
        Assert.Equal("10.9.9.9", StashHookOptions.From(new RestoreOptions(), Pod, podIp: "10.9.9.9").PodIp);
        Assert.Equal("10.9.9.9", StashHookOptions.From(new RestoreOptions(), pod: null, podIp: "10.9.9.9").PodIp);
    }
}
