using Stash.Restore.Core;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>pods/exec over a real WebSocket (TLS, bearer token) to the test API server, which runs the command locally.</summary>
public sealed class PodExecTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;

    public PodExecTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
        _cluster.Server.Put("""
            apiVersion: v1
            kind: Pod
            metadata: {name: db-0, namespace: demo}
            spec:
              containers:
              - {name: db, image: postgres}
              - {name: stash-init, image: stash-restore}
            status: {phase: Running, podIP: 10.0.0.5}
            """);
    }

    private KubernetesPodExec Exec() => _cluster.CreateClient().PodExec;

    private static (Action<OutputStream, string> OnLine, List<(OutputStream, string)> Lines) Collect()
    {
        var lines = new List<(OutputStream, string)>();
        return ((stream, line) => { lock (lines) lines.Add((stream, line)); }, lines);
    }

    [Fact]
    public async Task Runs_a_command_and_delivers_stdout_lines_with_exit_code_zero()
    {
        var (onLine, lines) = Collect();

        var result = await Exec().ExecAsync("demo", "db-0", "db", ["printf", "first\nsecond line\nno newline"], onLine, CancellationToken.None);

        Assert.Equal(new PodExecResult(0, null), result);
        Assert.Equal(
            [(OutputStream.StandardOutput, "first"), (OutputStream.StandardOutput, "second line"), (OutputStream.StandardOutput, "no newline")],
            lines);
    }

    [Fact]
    public async Task A_failing_command_reports_its_exit_code_and_stderr()
    {
        var (onLine, lines) = Collect();

        var result = await Exec().ExecAsync("demo", "db-0", "db", ["ls", "/definitely/not/here"], onLine, CancellationToken.None);

        Assert.Equal(2, result.ExitCode);
        Assert.False(result.Succeeded);
        var (stream, text) = Assert.Single(lines);
        Assert.Equal(OutputStream.StandardError, stream);
        Assert.Contains("/definitely/not/here", text);
    }

    [Fact]
    public async Task An_unknown_container_is_invalid_input_naming_it()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            Exec().ExecAsync("demo", "db-0", "nginx", ["true"], null, CancellationToken.None));

        Assert.Contains("pod demo/db-0 container \"nginx\"", error.Message);
    }

    [Fact]
    public async Task An_unknown_pod_is_a_missing_dependency()
    {
        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            Exec().ExecAsync("demo", "gone-0", "db", ["true"], null, CancellationToken.None));

        Assert.Contains("pods \"gone-0\" not found in namespace \"demo\"", error.Message);
    }
}
