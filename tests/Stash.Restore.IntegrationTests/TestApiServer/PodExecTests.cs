using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

/// <summary>pods/exec over WebSocket, with the "container" run as a local child process.</summary>
public sealed class PodExecTests : IAsyncLifetime
{
    private const string Exec = "/api/v1/namespaces/demo/pods/app-0/exec";
    private TestApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _server.Put("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app-0, namespace: demo}
            spec:
              containers:
              - {name: app, image: busybox, env: [{name: GREETING, value: hello}]}
              - {name: sidecar, image: busybox}
            status: {phase: Running}
            """);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed record Frames(string Protocol, List<(byte Channel, byte[] Data)> All)
    {
        public string Text(byte channel) => Encoding.UTF8.GetString(All.Where(f => f.Channel == channel).SelectMany(f => f.Data).ToArray());

        public JsonObject Status => JsonNode.Parse(Text(3))!.AsObject();
    }

    private async Task<Frames> ExecAsync(string query, string[]? protocols = null, string? token = null, byte[]? stdin = null)
    {
        using var ws = new ClientWebSocket();
        foreach (var p in protocols ?? [PodExec.V5, PodExec.V4])
            ws.Options.AddSubProtocol(p);
        ws.Options.SetRequestHeader("Authorization", "Bearer " + (token ?? _server.AdminToken));
        using var invoker = new HttpMessageInvoker(ApiClient.CreateHandler(_server));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var uri = new Uri(new Uri("wss://127.0.0.1:" + _server.BaseAddress.Port), Exec + "?" + query);
        await ws.ConnectAsync(uri, invoker, timeout.Token);
        if (stdin is not null)
        {
            await ws.SendAsync((byte[])[0, .. stdin], WebSocketMessageType.Binary, true, timeout.Token);
            await ws.SendAsync((byte[])[255, 0], WebSocketMessageType.Binary, true, timeout.Token);
        }
        var frames = new List<(byte, byte[])>();
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                break;
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
                continue;
            var frame = message.ToArray();
            message.SetLength(0);
            frames.Add((frame[0], frame[1..]));
        }
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        return new Frames(ws.SubProtocol!, frames);
    }

    [Fact]
    public async Task Runs_the_command_and_streams_stdout_stderr_then_Success()
    {
        var frames = await ExecAsync("command=sh&command=-c&command=echo+out+%24GREETING%3B+echo+err+%3E%262&container=app&stdout=true&stderr=true");

        Assert.Equal(PodExec.V5, frames.Protocol);
        Assert.Equal((byte)1, frames.All[0].Channel);
        Assert.Empty(frames.All[0].Data); // the kubelet's "connection established" frame
        Assert.Equal("out hello\n", frames.Text(1));
        Assert.Equal("err\n", frames.Text(2));
        Assert.Equal("""{"metadata":{},"status":"Success"}""", frames.Text(3));
    }

    [Fact]
    public async Task A_non_zero_exit_is_a_Failure_with_the_exit_code_cause()
    {
        var frames = await ExecAsync("command=sh&command=-c&command=exit+3&container=app&stdout=true&stderr=true", protocols: [PodExec.V4]);

        Assert.Equal(PodExec.V4, frames.Protocol);
        var status = frames.Status;
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("NonZeroExitCode", (string?)status["reason"]);
        Assert.Equal("""[{"reason":"ExitCode","message":"3"}]""", status["details"]!["causes"]!.ToJsonString());
    }

    [Fact]
    public async Task Stdin_is_fed_to_the_command_and_closed_by_the_v5_close_signal()
    {
        var frames = await ExecAsync("command=cat&container=app&stdin=true&stdout=true&stderr=true", stdin: Encoding.UTF8.GetBytes("from stdin"));

        Assert.Equal("from stdin", frames.Text(1));
        Assert.Equal("Success", (string?)frames.Status["status"]);
    }

    [Fact]
    public async Task A_missing_executable_fails_on_the_error_channel()
    {
        var frames = await ExecAsync("command=definitely-not-a-command&container=app&stdout=true");

        Assert.Equal("Failure", (string?)frames.Status["status"]);
        Assert.Contains("executable file not found in $PATH", (string?)frames.Status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exec_handler_scripts_the_container_without_running_anything()
    {
        var seen = new List<ExecRequest>();
        _server.ExecHandler = request =>
        {
            lock (seen)
                seen.Add(request);
            return request.Command[0] == "pg_dump" ? new ExecResult(4, "partial\n", "pg_dump: error: connection refused\n") : null;
        };

        var scripted = await ExecAsync("command=pg_dump&command=--all&container=sidecar&stdout=true&stderr=true");
        var local = await ExecAsync("command=echo&command=real&container=app&stdout=true");

        Assert.Equal("partial\n", scripted.Text(1));
        Assert.Equal("pg_dump: error: connection refused\n", scripted.Text(2));
        Assert.Equal("""[{"reason":"ExitCode","message":"4"}]""", scripted.Status["details"]!["causes"]!.ToJsonString());
        Assert.Equal("real\n", local.Text(1));
        Assert.Equal(("demo", "app-0", "sidecar"), (seen[0].Namespace, seen[0].Pod, seen[0].Container));
        Assert.Equal(["pg_dump", "--all"], seen[0].Command);
    }

    [Fact]
    public async Task Unknown_or_unspecified_container_is_400_before_the_upgrade()
    {
        using var api = new ApiClient(_server, _server.AdminToken);

        var unknown = await api.GetAsync(Exec + "?command=true&container=nope&stdout=true");
        var unspecified = await api.GetAsync(Exec + "?command=true&stdout=true");
        var notUpgraded = await api.GetAsync(Exec + "?command=true&container=app&stdout=true");

        Assert.Equal(400, unknown.Code);
        Assert.Equal("container nope is not valid for pod app-0", unknown.Message);
        Assert.Equal(400, unspecified.Code);
        Assert.Equal("a container name must be specified for pod app-0, choose one of: [app sidecar]", unspecified.Message);
        Assert.Equal(400, notUpgraded.Code);
        Assert.Equal("Upgrade request required", notUpgraded.Message);
    }

    [Fact]
    public async Task Exec_needs_create_on_pods_exec()
    {
        var token = _server.AddToken("system:serviceaccount:demo:viewer", new AccessRule("get", "", "pods", "demo"));

        var e = await Assert.ThrowsAsync<WebSocketException>(() => ExecAsync("command=true&container=app&stdout=true", token: token));

        Assert.Contains("403", e.Message, StringComparison.Ordinal);
        Assert.Contains(_server.Requests, r => r.PathAndQuery.StartsWith(Exec, StringComparison.Ordinal) && r.StatusCode == 403 && r.User == "system:serviceaccount:demo:viewer");
    }

    [RequiresKubectlFact]
    public async Task Kubectl_exec_works_and_propagates_the_exit_code()
    {
        using var dir = new TempDir();
        var kubeconfig = _server.WriteKubeconfig(Path.Combine(dir.Path, "kubeconfig"));

        var ok = await Kubectl.RunAsync(kubeconfig, "exec", "-n", "demo", "app-0", "-c", "app", "--", "sh", "-c", "echo $GREETING");
        var failed = await Kubectl.RunAsync(kubeconfig, "exec", "-n", "demo", "app-0", "-c", "app", "--", "sh", "-c", "exit 7");

        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Equal("hello\n", ok.Stdout);
        Assert.Equal(7, failed.ExitCode);
        Assert.Contains("command terminated with exit code 7", failed.Stderr, StringComparison.Ordinal);
    }
}
