using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Cluster;

/// <summary>Where an httpGet/tcpSocket hook goes by default: the executor's own pod IP and the ports its containers name.</summary>
public sealed class PodHookDefaultsTests
{
    private static readonly PodInfo Pod = new("db-0", "demo", "10.244.1.7",
    [
        new ContainerInfo("stash-init", []),
        new ContainerInfo("postgres", [new ContainerPortInfo("sql", 5432), new ContainerPortInfo(null, 9187), new ContainerPortInfo("http", 8008)]),
        new ContainerInfo("sidecar", [new ContainerPortInfo("http", 9000)]),
    ]);

    [Fact]
    public void The_pods_ip_and_named_ports_become_the_defaults_the_first_container_naming_a_port_wins_pod_wide()
    {
        var options = new HookExecutorOptions { Timeout = TimeSpan.FromSeconds(30) }.WithPod(Pod);

        Assert.Equal("10.244.1.7", options.PodIp);
        Assert.Equal(new Dictionary<string, int> { ["sql"] = 5432, ["http"] = 8008 }, options.NamedPorts);
        Assert.Equal(9000, options.ContainerNamedPorts["sidecar"]["http"]);
        Assert.Empty(options.ContainerNamedPorts["stash-init"]);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
    }

    [Fact]
    public void A_pod_without_an_ip_yet_keeps_the_ip_already_known()
    {
        var options = new HookExecutorOptions { PodIp = "10.0.0.9" }.WithPod(Pod with { PodIP = "" });

        Assert.Equal("10.0.0.9", options.PodIp);
    }
}
