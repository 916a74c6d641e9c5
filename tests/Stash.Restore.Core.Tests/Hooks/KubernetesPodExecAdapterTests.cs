using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Processes;
using static Stash.Restore.Core.Tests.Hooks.HookTestKit;
using KubernetesPodExecApi = Stash.Restore.Core.Kubernetes.IPodExec;

namespace Stash.Restore.Core.Tests.Hooks;

public sealed class KubernetesPodExecAdapterTests
{
    private sealed class FakeKubernetesPodExec(Func<PodExecResult> behaviour) : KubernetesPodExecApi
    {
        public List<string> Calls { get; } = [];

        public Task<PodExecResult> ExecAsync(string @namespace, string pod, string container, IReadOnlyList<string> command, Action<OutputStream, string>? onLine, CancellationToken cancellationToken)
        {
            Calls.Add($"{@namespace}/{pod}/{container}: {string.Join(' ', command)}");
            onLine?.Invoke(OutputStream.StandardOutput, "remote says hi");
            return Task.FromResult(behaviour());
        }
    }

    private readonly CollectingSink _log = new();

    private async Task<HookResult> RunAsync(FakeKubernetesPodExec kubernetes) =>
        await Executor(FakeProcessRunner.Exits(0), _log, podExec: new KubernetesPodExecAdapter(kubernetes, "demo", "mysql-0"))
            .ExecuteAsync(Exec("mysql", "-e", "SELECT 1") with { ContainerName = "mysql" }, PreContext(), CancellationToken.None);

    [Fact]
    public async Task Runs_in_the_executors_own_pod_and_passes_the_exit_code()
    {
        var kubernetes = new FakeKubernetesPodExec(() => new PodExecResult(4, "command terminated with non-zero exit code"));

        var result = await RunAsync(kubernetes);

        Assert.Equal(["demo/mysql-0/mysql: mysql -e SELECT 1"], kubernetes.Calls);
        Assert.False(result.Succeeded);
        Assert.Equal("exit code 4 in container mysql; last output: remote says hi", result.Message);
    }

    [Fact]
    public async Task Success_is_exit_code_zero()
    {
        var result = await RunAsync(new FakeKubernetesPodExec(() => new PodExecResult(0, null)));

        Assert.True(result.Succeeded, result.Message);
    }

    [Fact]
    public async Task No_exit_code_is_a_failure_with_the_servers_message()
    {
        var result = await RunAsync(new FakeKubernetesPodExec(() => new PodExecResult(-1, "container not found (\"mysql\")")));

        Assert.False(result.Succeeded);
        Assert.Equal("pods/exec in container mysql: container not found (\"mysql\")", result.Message);
    }

    [Fact]
    public async Task Api_errors_become_hook_failures()
    {
        var result = await RunAsync(new FakeKubernetesPodExec(() =>
            throw new DependencyUnavailableException("create pods/exec demo/mysql-0: forbidden")));

        Assert.False(result.Succeeded);
        Assert.Equal("pods/exec in container mysql: create pods/exec demo/mysql-0: forbidden", result.Message);
    }
}
