using System.ComponentModel;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// pods/exec over WebSocket (<c>v5.channel.k8s.io</c>, <c>v4.channel.k8s.io</c>). The "container" is
/// simulated: the command runs as a local child process (argv, no shell) with the container's
/// <c>env</c> name/value pairs. Frames carry a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error
/// (a Status JSON at the end), 255 close (v5, client → server).
/// </summary>
internal static class PodExec
{
    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const byte CloseSignal = 255;

    /// <summary>How long a session waits for the client's side of the close handshake before it drops the connection.</summary>
    private static readonly TimeSpan CloseHandshakePatience = TimeSpan.FromSeconds(30);

    public static async Task<int> ServeAsync(HttpContext context, ObjectStore store, ResourceType type, string ns, string name, Func<ExecRequest, ExecResult?>? handler)
    {
        var pod = store.Get(type, ns, name) ?? throw ApiErrors.NotFound(type, name);
        var query = context.Request.Query;
        var command = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        var container = ResolveContainer(pod, name, query["container"].ToString());
        var phase = (string?)pod["status"]?["phase"];
        if (phase is "Succeeded" or "Failed")
            throw ApiErrors.BadRequest($"cannot exec into a container in a completed pod; current phase is {phase}");
        if (command.Count == 0)
            throw ApiErrors.BadRequest("you must specify at least one command for the container");
        if (!context.WebSockets.IsWebSocketRequest)
            throw ApiErrors.BadRequest("Upgrade request required");
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = requested.Contains(V5) ? V5 : requested.Contains(V4) ? V4
            : throw ApiErrors.BadRequest($"unable to upgrade connection: none of the requested subprotocols [{string.Join(", ", requested)}] is supported; supported: {V5}, {V4}");
        var wantStdin = IsTrue(query["stdin"]);
        var wantStdout = IsTrue(query["stdout"]);
        var wantStderr = IsTrue(query["stderr"]);

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol });
        var session = new Session(socket, context.RequestAborted);
        // The real kubelet announces the connection with an empty frame on the lowest writable channel.
        await session.SendAsync(wantStdout ? StdoutChannel : wantStderr ? StderrChannel : ErrorChannel, ReadOnlyMemory<byte>.Empty);
        if (handler?.Invoke(new ExecRequest(ns, name, (string)container["name"]!, command)) is { } scripted)
        {
            if (wantStdout && scripted.Stdout.Length > 0)
                await session.SendAsync(StdoutChannel, System.Text.Encoding.UTF8.GetBytes(scripted.Stdout));
            if (wantStderr && scripted.Stderr.Length > 0)
                await session.SendAsync(StderrChannel, System.Text.Encoding.UTF8.GetBytes(scripted.Stderr));
            await session.FinishAsync(ExitStatus(command, scripted.ExitCode));
            await DrainAsync(session);
            return 101;
        }
        await RunAsync(session, command, container, wantStdin, wantStdout, wantStderr, protocol == V5);
        return 101;
    }

    private static JsonObject ResolveContainer(JsonObject pod, string podName, string requested)
    {
        var containers = (pod["spec"]?["containers"] as JsonArray ?? [])
            .Concat(pod["spec"]?["initContainers"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .ToList();
        if (requested.Length == 0)
        {
            var regular = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (regular.Count == 1)
                return regular[0];
            throw ApiErrors.BadRequest(
                $"a container name must be specified for pod {podName}, choose one of: [{string.Join(" ", regular.Select(c => (string?)c["name"]))}]");
        }
        return containers.FirstOrDefault(c => (string?)c["name"] == requested)
            ?? throw ApiErrors.BadRequest($"container {requested} is not valid for pod {podName}");
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString() is "true" or "1" or "True";

    private static async Task RunAsync(Session session, List<string> command, JsonObject container, bool stdin, bool stdout, bool stderr, bool v5)
    {
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in command.Skip(1))
            start.ArgumentList.Add(arg);
        foreach (var env in container["env"] as JsonArray ?? [])
        {
            if ((string?)env?["name"] is { } key)
                start.Environment[key] = (string?)env["value"] ?? "";
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("process did not start");
        }
        catch (Win32Exception)
        {
            await session.FinishAsync(new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = $"Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{command[0]}\": executable file not found in $PATH: unknown",
                ["reason"] = "InternalError",
                ["code"] = 500,
            });
            await DrainAsync(session);
            return;
        }
        using (process)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(session.Aborted);
            var pumpStdout = PumpAsync(process.StandardOutput.BaseStream, stdout ? StdoutChannel : null, session);
            var pumpStderr = PumpAsync(process.StandardError.BaseStream, stderr ? StderrChannel : null, session);
            Task readClient;
            if (stdin)
            {
                readClient = ReadClientAsync(session, process, v5, stop.Token);
            }
            else
            {
                process.StandardInput.Close();
                readClient = ReadClientAsync(session, null, v5, stop.Token);
            }
            try
            {
                await process.WaitForExitAsync(session.Aborted);
                await Task.WhenAll(pumpStdout, pumpStderr);
            }
            catch (OperationCanceledException)
            {
                // The client went away: a real exec session dies with its connection.
                process.Kill(entireProcessTree: true);
                return;
            }
            CloseStdin(process);
            await session.FinishAsync(ExitStatus(command, process.ExitCode));
            // Give the client time to answer the close handshake (a loaded test machine may be slow to); then the connection is dropped.
            stop.CancelAfter(CloseHandshakePatience);
            try
            {
                await readClient;
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
            {
                // The client may close abruptly after the error channel; nothing left to serve.
            }
        }
    }

    private static JsonObject ExitStatus(List<string> command, int code) => code == 0
        ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }
        : new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(" ", command)}], exit code {code}",
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            },
        };

    /// <summary>Waits (briefly) for the client's side of the close handshake.</summary>
    private static async Task DrainAsync(Session session)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(session.Aborted);
        wait.CancelAfter(CloseHandshakePatience);
        await ReadClientAsync(session, null, v5: false, wait.Token);
    }

    private static async Task PumpAsync(Stream stream, byte? channel, Session session)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, session.Aborted);
            if (read == 0)
                return;
            if (channel is { } c)
                await session.SendAsync(c, buffer.AsMemory(0, read));
        }
    }

    /// <summary>Reads frames from the client: stdin data, the v5 close signal, and the close handshake.</summary>
    private static async Task ReadClientAsync(Session session, Process? process, bool v5, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            // Until the client's close arrives: after the server's own close (CloseSent) too, or the
            // connection is dropped before the client completes the handshake it was answering.
            while (session.Socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await session.Socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStdin(process);
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                    continue;
                var frame = message.ToArray();
                message.SetLength(0);
                if (frame.Length == 0)
                    continue;
                if (frame[0] == StdinChannel && process is not null && frame.Length > 1)
                {
                    await process.StandardInput.BaseStream.WriteAsync(frame.AsMemory(1), ct);
                    await process.StandardInput.BaseStream.FlushAsync(ct);
                }
                else if (v5 && frame[0] == CloseSignal && frame.Length > 1 && frame[1] == StdinChannel)
                {
                    CloseStdin(process);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the command finished; nothing more to read for it
        }
        catch (IOException)
        {
            // the process closed its stdin
        }
        catch (WebSocketException)
        {
            // the client dropped the connection
        }
    }

    private static void CloseStdin(Process? process)
    {
        try
        {
            process?.StandardInput.Close();
        }
        catch (IOException)
        {
            // already exited
        }
    }

    private sealed class Session(WebSocket socket, CancellationToken aborted)
    {
        private readonly SemaphoreSlim _send = new(1, 1);

        public WebSocket Socket => socket;

        public CancellationToken Aborted => aborted;

        public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data)
        {
            var frame = new byte[data.Length + 1];
            frame[0] = channel;
            data.CopyTo(frame.AsMemory(1));
            await _send.WaitAsync(aborted);
            try
            {
                await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, aborted);
            }
            finally
            {
                _send.Release();
            }
        }

        public async Task FinishAsync(JsonObject status)
        {
            await SendAsync(ErrorChannel, System.Text.Encoding.UTF8.GetBytes(status.ToJsonString(JsonText.Compact)));
            await _send.WaitAsync(aborted);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", aborted);
            }
            finally
            {
                _send.Release();
            }
        }
    }
}
