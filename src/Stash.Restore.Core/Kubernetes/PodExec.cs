using System.Net.WebSockets;
using System.Text;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>How a command run through <c>pods/exec</c> ended.</summary>
/// <param name="ExitCode">The command's exit code; -1 when it could not be started or the server gave no code.</param>
/// <param name="Message">The server's message when the command did not succeed, else null.</param>
internal sealed record PodExecResult(int ExitCode, string? Message)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// <c>pods/exec</c> through KubernetesClient.Aot's WebSocket (channel protocol
/// <c>v4.channel.k8s.io</c>): each binary message starts with its channel — 1 stdout, 2 stderr,
/// 3 the final <c>Status</c> carrying the exit code. The library brings the TLS setup and client
/// certificate; the bearer token is passed as a header so a rotated one is used.
/// </summary>
internal sealed class KubernetesPodExec(k8s.Kubernetes client, KubernetesApi api)
{
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;

    /// <summary>
    /// Runs <paramref name="command"/> (argv, no shell) in a container of a pod and delivers each
    /// stdout/stderr line as it arrives. Cancellation closes the stream; the API offers no way to
    /// signal the remote process.
    /// </summary>
    public async Task<PodExecResult> ExecAsync(string @namespace, string pod, string container, IReadOnlyList<string> command, Action<OutputStream, string>? onLine, CancellationToken cancellationToken)
    {
        if (command.Count == 0)
            throw new ArgumentException("an exec needs a command", nameof(command));
        var target = new ApiRequestTarget("create", "pods", @namespace, pod, "exec");
        Dictionary<string, List<string>>? headers = null;
        if (api.Configuration.Token is { } token)
            headers = new() { ["Authorization"] = ["Bearer " + await token.GetTokenAsync(cancellationToken).ConfigureAwait(false)] };

        WebSocket socket;
        try
        {
            socket = await api.CallAsync(target, () => client.WebSocketNamespacedPodExecAsync(
                pod, @namespace, command, container, stderr: true, stdin: false, stdout: true, tty: false,
                webSocketSubProtocol: k8s.WebSocketProtocol.V4BinaryWebsocketProtocol, customHeaders: headers,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (WebSocketUpgradeRefusedException e) when (e.StatusCode == 400)
        {
            throw new InvalidInputException($"exec in pod {@namespace}/{pod} container \"{container}\": the API server refused it (400 Bad Request); is the container name right?", e);
        }
        catch (WebSocketUpgradeRefusedException e)
        {
            throw KubernetesErrors.ToException(e.StatusCode, body: null, target, api.Configuration.Server, api.Scrub);
        }
        using var owned = socket;

        var stdout = new LineSplitter(OutputStream.StandardOutput, onLine);
        var stderr = new LineSplitter(OutputStream.StandardError, onLine);
        PodExecResult? result = null;
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                    continue;
                var bytes = message.GetBuffer().AsSpan(0, (int)message.Length);
                if (bytes.Length > 0)
                {
                    var payload = bytes[1..];
                    switch (bytes[0])
                    {
                        case StdoutChannel:
                            stdout.Write(payload);
                            break;
                        case StderrChannel:
                            stderr.Write(payload);
                            break;
                        case ErrorChannel:
                            result = ParseStatus(Encoding.UTF8.GetString(payload));
                            break;
                    }
                }
                message.SetLength(0);
            }
        }
        catch (WebSocketException e) when (result is null)
        {
            throw KubernetesErrors.Unreachable(target, api.Configuration.Server, $"the exec stream broke: {api.Scrub(e.Message)}", e);
        }
        catch (OperationCanceledException)
        {
            socket.Abort();
            throw;
        }
        finally
        {
            stdout.Flush();
            stderr.Flush();
        }

        if (socket.State == WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // The command's outcome is already known; a sloppy close changes nothing.
            }
        }
        // A stream that ends without a status is not a success.
        return result ?? new PodExecResult(-1, $"exec in pod {@namespace}/{pod} container \"{container}\" ended without an exit status");
    }

    /// <summary>The error channel's Status: Success → 0; NonZeroExitCode → the ExitCode cause.</summary>
    internal static PodExecResult ParseStatus(string json)
    {
        var status = KubernetesErrors.ParseStatus(json);
        if (status is null)
            return new PodExecResult(-1, KubernetesErrors.OneLine(json) ?? "exec failed without a message");
        if (status.Status == "Success")
            return new PodExecResult(0, null);
        var exitCause = status.Details?.Causes?.FirstOrDefault(c => c.Reason == "ExitCode");
        if (exitCause?.Message is { } text && int.TryParse(text, out var exitCode))
            return new PodExecResult(exitCode, KubernetesErrors.OneLine(status.Message));
        return new PodExecResult(-1, KubernetesErrors.OneLine(status.Message) ?? status.Reason ?? "exec failed");
    }

    /// <summary>Turns a channel's byte chunks into lines; UTF-8 sequences split across messages are kept whole.</summary>
    private sealed class LineSplitter(OutputStream stream, Action<OutputStream, string>? onLine)
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _line = new();

        public void Write(ReadOnlySpan<byte> bytes)
        {
            if (onLine is null)
                return;
            var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
            var count = _decoder.GetChars(bytes, chars, flush: false);
            for (var i = 0; i < count; i++)
            {
                var c = chars[i];
                if (c == '\n')
                {
                    Emit();
                    continue;
                }
                _line.Append(c);
            }
        }

        public void Flush()
        {
            if (_line.Length > 0)
                Emit();
        }

        private void Emit()
        {
            if (_line.Length > 0 && _line[^1] == '\r')
                _line.Length--;
            onLine!(stream, _line.ToString());
            _line.Clear();
        }
    }
}

/// <summary>
/// The library's WebSocket builder, keeping the HTTP status of a refused upgrade: .NET reports
/// it only on the socket (<see cref="ClientWebSocketOptions.CollectHttpResponseDetails"/>), and
/// the library's own fallback recognises only the older header error.
/// </summary>
internal sealed class StatusReportingWebSocketBuilder : k8s.WebSocketBuilder
{
    private readonly ClusterServerTrust? _trust;

    /// <param name="trust">The API client's check of the server, for the WebSocket's own TLS; null when the library's stands (no CA, or insecure-skip-tls-verify).</param>
    public StatusReportingWebSocketBuilder(ClusterServerTrust? trust)
    {
        _trust = trust;
        Options.CollectHttpResponseDetails = true;
    }

    public override async Task<WebSocket> BuildAndConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        // Here, after the library has set its own check (ExpectServerCertificate).
        if (_trust is not null)
            Options.RemoteCertificateValidationCallback = _trust.Validate;
        try
        {
            return await base.BuildAndConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e) when (WebSocket.HttpStatusCode is not 0 and not System.Net.HttpStatusCode.SwitchingProtocols)
        {
            throw new WebSocketUpgradeRefusedException((int)WebSocket.HttpStatusCode, e);
        }
    }
}

/// <summary>The API server answered a pods/exec upgrade with an HTTP error instead of 101.</summary>
internal sealed class WebSocketUpgradeRefusedException(int statusCode, Exception inner)
    : Exception($"the API server answered {statusCode} instead of switching to a WebSocket", inner)
{
    public int StatusCode { get; } = statusCode;
}
