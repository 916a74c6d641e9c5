using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Hooks;
using Stash.Restore.IntegrationTests.Kubernetes;
using Stash.Restore.IntegrationTests.Support;
using static Stash.Restore.Tests.Shared.HookTestKit;
using static Stash.Restore.Tests.Shared.HookContexts;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// A hook for another container of the executor's own pod, run through pods/exec of the test API
/// server (which runs the command locally): its exit code is the hook's, and an exec that gives
/// none fails the hook with the server's reason.
/// </summary>
public sealed class OwnPodExecTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;
    private readonly LogCapture _log = new();

    public OwnPodExecTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
        _cluster.Server.Put("""
            apiVersion: v1
            kind: Pod
            metadata: {name: mysql-0, namespace: demo}
            spec:
              containers:
              - {name: mysql, image: mysql}
              - {name: stash-init, image: stash-restore}
            status: {phase: Running, podIP: 10.0.0.7}
            """);
    }

    private async Task<HookResult> RunAsync(string pod, params string[] command) =>
        await Executor(_log.Logger, podExec: new OwnPodExec(_cluster.CreateClient().PodExec, KubeTestCluster.Namespace, pod))
            .ExecuteAsync(Exec(command) with { ContainerName = "mysql" }, PreContext(), CancellationToken.None);


    [Fact]
    public async Task Runs_in_the_executors_own_pod_and_passes_the_exit_code()
    {
        var result = await RunAsync("mysql-0", "sh", "-c", "echo remote says hi; exit 4");

        Assert.False(result.Succeeded);
        Assert.Equal("exit code 4 in container mysql; last output: remote says hi", result.Message);
    }

    [Fact]
    public async Task Success_is_exit_code_zero()
    {
        var result = await RunAsync("mysql-0", "true");

        Assert.True(result.Succeeded, result.Message);
    }

    [Fact]
    public async Task No_exit_code_is_a_failure_with_the_servers_message()
    {
        var result = await RunAsync("mysql-0", "no-such-command-in-the-container");

        Assert.False(result.Succeeded);
        Assert.StartsWith("pods/exec in container mysql: Internal error occurred: ", result.Message, StringComparison.Ordinal);
        Assert.Contains("\"no-such-command-in-the-container\": executable file not found in $PATH", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_errors_become_hook_failures()
    {
        var result = await RunAsync("gone-0", "true");

        Assert.False(result.Succeeded);
        Assert.StartsWith("pods/exec in container mysql: ", result.Message, StringComparison.Ordinal);
        Assert.Contains("pods \"gone-0\" not found in namespace \"demo\"", result.Message, StringComparison.Ordinal);
    }
}
