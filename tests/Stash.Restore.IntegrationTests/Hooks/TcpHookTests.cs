using System.Net;
using System.Net.Sockets;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.IntegrationTests.Support;
using static Stash.Restore.Tests.Shared.HookTestKit;
using static Stash.Restore.Tests.Shared.HookContexts;

namespace Stash.Restore.IntegrationTests.Hooks;

public sealed class TcpHookTests
{
    private readonly LogCapture _log = new();

    [Fact]
    public async Task An_open_port_succeeds()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var accepted = listener.AcceptTcpClientAsync();
            var hook = new HookSpec { TcpSocket = new TcpSocketAction { Port = IntOrString.FromNumber(port) } };

            var result = await Executor(_log.Logger).ExecuteAsync(hook, PreContext(), CancellationToken.None);

            Assert.True(result.Succeeded, result.Message);
            Assert.Equal($"connected to 127.0.0.1:{port}", result.Message);
            using var client = await accepted.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_closed_port_fails()
    {
        var port = HttpHookTests.ClosedPort();
        var hook = new HookSpec { TcpSocket = new TcpSocketAction { Host = "127.0.0.1", Port = IntOrString.FromName(port.ToString(System.Globalization.CultureInfo.InvariantCulture)) } };

        var result = await Executor(_log.Logger).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.StartsWith($"connect to 127.0.0.1:{port}: ", result.Message, StringComparison.Ordinal);
        Assert.Contains("refused", result.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_connection_that_never_opens_times_out()
    {
        // A listener whose accept queue is full: Linux drops further SYNs, so connect hangs.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(1);
        var fillers = new List<TcpClient>();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            for (var i = 0; i < 4; i++)
            {
                var filler = new TcpClient();
                fillers.Add(filler);
                _ = filler.ConnectAsync(IPAddress.Loopback, port);
            }
            await Task.Delay(100);
            var hook = new HookSpec { TcpSocket = new TcpSocketAction { Port = IntOrString.FromNumber(port) } };
            var options = new HookExecutorOptions { Timeout = TimeSpan.FromMilliseconds(300) };

            var result = await Executor(_log.Logger, options: options).ExecuteAsync(hook, PreContext(), CancellationToken.None);

            Assert.False(result.Succeeded);
            Assert.Equal("timed out after 300ms", result.Message);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
            listener.Stop();
        }
    }
}

public sealed class NamedPortTests
{
    private readonly LogCapture _log = new();

    [Fact]
    public async Task A_port_name_resolves_in_the_hooks_container_first_then_pod_wide()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var open = ((IPEndPoint)listener.LocalEndpoint).Port;
            var closed = HttpHookTests.ClosedPort();
            var pod = new PodInfo("mysql-0", "demo", "127.0.0.1",
            [
                new ContainerInfo("stash-init", []),
                new ContainerInfo("sidecar", [new ContainerPortInfo("admin", closed), new ContainerPortInfo("probe", open)]),
                new ContainerInfo("mysql", [new ContainerPortInfo("admin", open), new ContainerPortInfo(null, 3306)]),
            ]);
            var options = new HookExecutorOptions { PodIp = "10.0.0.9" }.WithPod(pod);
            var executor = Executor(_log.Logger, options: options);

            var inMysql = await executor.ExecuteAsync(
                new HookSpec { ContainerName = "mysql", TcpSocket = new TcpSocketAction { Port = IntOrString.FromName("admin") } }, PreContext(), CancellationToken.None);
            var podWide = await executor.ExecuteAsync(
                new HookSpec { TcpSocket = new TcpSocketAction { Port = IntOrString.FromName("admin") } }, PreContext(), CancellationToken.None);
            var otherContainersPort = await executor.ExecuteAsync(
                new HookSpec { ContainerName = "mysql", TcpSocket = new TcpSocketAction { Port = IntOrString.FromName("probe") } }, PreContext(), CancellationToken.None);

            Assert.Equal($"connected to 127.0.0.1:{open}", inMysql.Message);
            Assert.StartsWith($"connect to 127.0.0.1:{closed}: ", podWide.Message, StringComparison.Ordinal);
            Assert.True(otherContainersPort.Succeeded, otherContainersPort.Message);
        }
        finally
        {
            listener.Stop();
        }
    }
}
