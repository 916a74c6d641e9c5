using System.ComponentModel;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Serilog;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Hooks;

/// <summary>
/// Runs one preRestore/postRestore hook: exec locally (argv through <see cref="IProcessRunner"/>,
/// no shell) or in another container (<see cref="IPodExec"/>), httpGet/httpPost (200-399 is
/// success, like the kubelet's probes), or tcpSocket. Every hook has a timeout; templates are
/// rendered from the <see cref="HookContext"/>; output and messages are masked.
/// </summary>
/// <remarks>
/// A failing hook is a <see cref="HookResult"/> with <c>Succeeded = false</c>, never an exception.
/// Cancelling the caller's token (signal, lost host claim) stops an exec hook's process and
/// throws <see cref="OperationCanceledException"/>.
/// </remarks>
internal sealed class HookExecutor(
    IProcessRunner processRunner,
    IPodExec? podExec,
    SecretMasker masker,
    ILogger logger,
    TimeProvider timeProvider,
    HookExecutorOptions options) : IHookExecutor
{
    // Enough of a failing endpoint's reply to say why, short enough for a status entry.
    private const int MaxResponseBodyInMessage = 1024;
    private const int MaxOutputInMessage = 4096;

    // How much of a reply is read to mask it before the cut to MaxResponseBodyInMessage characters:
    // at least 16 Ki characters of UTF-8, so a secret that starts before the cut is read whole.
    private const int ResponseBodyReadLimit = 64 * 1024;

    public async Task<HookResult> ExecuteAsync(HookSpec hook, HookContext context, CancellationToken cancellationToken)
    {
        var stage = HookPolicy.StageName(context.Stage);
        HookResult result;
        if (HookValidation.Problem(hook, context.Stage) is { } problem)
        {
            result = new HookResult(false, $"invalid hook: {problem}");
        }
        else
        {
            using var timeout = new CancellationTokenSource(options.Timeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                logger.Information("Running {Stage:l} hook ({Handler:l}) for host {Hostname:l}", stage, masker.Apply(Describe(hook)), context.Hostname);
                result = await RunAsync(hook, context, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                result = new HookResult(false, $"timed out after {GoCompat.GoDuration.Format(options.Timeout)}");
            }
            catch (HookTemplateException e)
            {
                result = new HookResult(false, $"invalid hook template: {e.Message}");
            }
        }

        result = result with { Message = masker.Apply(result.Message) };
        if (result.Succeeded)
            logger.Information("{Stage:l} hook succeeded for host {Hostname:l}: {Message:l}", stage, context.Hostname, result.Message);
        else
            logger.Error("{Stage:l} hook failed for host {Hostname:l}: {Message:l}", stage, context.Hostname, result.Message);
        return result;
    }

    private Task<HookResult> RunAsync(HookSpec hook, HookContext context, CancellationToken cancellationToken)
    {
        if (hook.Exec is { Command: { } command })
        {
            var argv = command.Select(c => HookTemplate.Render(c, context)).ToList();
            return IsOwnContainer(hook.ContainerName)
                ? ExecLocallyAsync(argv, cancellationToken)
                : ExecInContainerAsync(hook.ContainerName!, argv, cancellationToken);
        }
        if (hook.HttpPost is { } post)
            return HttpAsync(HttpMethod.Post, post, hook.ContainerName, context, cancellationToken);
        if (hook.HttpGet is { } get)
            return HttpAsync(HttpMethod.Get, get, hook.ContainerName, context, cancellationToken);
        if (hook.TcpSocket is { } tcp)
            return TcpAsync(tcp, hook.ContainerName, context, cancellationToken);
        // HookValidation.Problem has ruled this out.
        throw new InvalidOperationException("hook has no handler");
    }

    private bool IsOwnContainer(string? containerName) =>
        string.IsNullOrEmpty(containerName) || containerName == options.OwnContainerName;

    private async Task<HookResult> ExecLocallyAsync(List<string> argv, CancellationToken cancellationToken)
    {
        var tail = new OutputTail(options.OutputTailLines, masker);
        // Kubernetes runs exec hooks in the container's root directory; so do we.
        var spec = new ProcessSpec(argv[0], argv[1..], new Dictionary<string, string?>(), WorkingDirectory: "/");
        ProcessResult result;
        try
        {
            result = await processRunner.RunAsync(spec, (stream, line) => OnOutput(tail, stream, line), cancellationToken).ConfigureAwait(false);
        }
        catch (RestoreException e)
        {
            // The runner's own errors (program not found) already name the program.
            return new HookResult(false, e.Message);
        }
        catch (Exception e) when (e is Win32Exception or IOException or InvalidOperationException)
        {
            return new HookResult(false, $"cannot run {argv[0]}: {e.Message}");
        }
        if (result.WasCancelled)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Failure($"{argv[0]} was stopped", tail);
        }
        LogTail(tail, result.ExitCode == 0 && result.Signal is null);
        if (result.ExitCode == 0 && result.Signal is null)
            return new HookResult(true, "exit code 0");
        // 128+n is how both a shell and .NET report death by signal n, so say both.
        return result.Signal is { } signal
            ? Failure($"exit code {result.ExitCode} (killed by signal {signal})", tail)
            : Failure($"exit code {result.ExitCode}", tail);
    }

    private async Task<HookResult> ExecInContainerAsync(string container, List<string> argv, CancellationToken cancellationToken)
    {
        if (podExec is null)
            return new HookResult(false, $"container {container} is not the executor's own ({options.OwnContainerName}) and no cluster is available");
        var tail = new OutputTail(options.OutputTailLines, masker);
        int exitCode;
        try
        {
            exitCode = await podExec.ExecAsync(container, argv, (stream, line) => OnOutput(tail, stream, line), cancellationToken).ConfigureAwait(false);
        }
        catch (PodExecException e)
        {
            return new HookResult(false, $"pods/exec in container {container}: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            logger.Warning("Stopped waiting for the hook in container {Container:l}; Kubernetes cannot stop it, it may still be running", container);
            throw;
        }
        LogTail(tail, exitCode == 0);
        return exitCode == 0
            ? new HookResult(true, $"exit code 0 in container {container}")
            : Failure($"exit code {exitCode} in container {container}", tail);
    }

    private void OnOutput(OutputTail tail, OutputStream stream, string line)
    {
        var masked = tail.Add(line);
        logger.Debug("hook {Stream:l}: {Line:l}", stream == OutputStream.StandardError ? "stderr" : "stdout", masked);
    }

    private void LogTail(OutputTail tail, bool succeeded)
    {
        var lines = tail.Lines;
        if (lines.Count == 0)
            return;
        var text = string.Join('\n', lines);
        if (succeeded)
            logger.Information("hook output (last {Count} lines):\n{Output:l}", lines.Count, text);
        else
            logger.Error("hook output (last {Count} lines):\n{Output:l}", lines.Count, text);
    }

    private static HookResult Failure(string cause, OutputTail tail)
    {
        var output = tail.Text(" | ", MaxOutputInMessage);
        return output.Length == 0 ? new HookResult(false, cause) : new HookResult(false, $"{cause}; last output: {output}");
    }

    private async Task<HookResult> HttpAsync(HttpMethod method, HttpGetAction action, string? containerName, HookContext context, CancellationToken cancellationToken)
    {
        var kind = method == HttpMethod.Post ? "httpPost" : "httpGet";
        if (ResolvePort(action.Port, containerName) is not { } port)
            return new HookResult(false, UnknownPortMessage(kind, action.Port));
        var scheme = string.IsNullOrEmpty(action.Scheme) ? "http" : action.Scheme.ToLowerInvariant();
        var host = HostForUri(Host(action.Host, context));
        var path = HookTemplate.Render(action.Path ?? "", context);
        if (!path.StartsWith('/'))
            path = "/" + path;
        var url = $"{scheme}://{host}:{port.ToString(CultureInfo.InvariantCulture)}{path}";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return new HookResult(false, $"{kind}: \"{url}\" is not a valid URL");

        using var request = new HttpRequestMessage(method, uri);
        var contentHeaders = new List<(string Name, string Value)>();
        foreach (var header in action.HttpHeaders ?? [])
        {
            var name = HookTemplate.Render(header.Name ?? "", context);
            var value = HookTemplate.Render(header.Value ?? "", context);
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                request.Headers.Host = value;
            else if (!request.Headers.TryAddWithoutValidation(name, value))
                contentHeaders.Add((name, value));
        }
        if (request.Headers.UserAgent.Count == 0)
            request.Headers.TryAddWithoutValidation("User-Agent", "stash-restore");
        if (request.Headers.Accept.Count == 0)
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));

        if (action is HttpPostAction post)
        {
            request.Content = post.Form is { Count: > 0 } form
                ? new FormUrlEncodedContent(form.SelectMany(entry => (entry.Values ?? []).Select(v =>
                    KeyValuePair.Create(HookTemplate.Render(entry.Key!, context), HookTemplate.Render(v, context)))))
                : new ByteArrayContent(Encoding.UTF8.GetBytes(HookTemplate.Render(post.Body ?? "", context)));
        }
        foreach (var (name, value) in contentHeaders)
        {
            if (request.Content is null)
            {
                logger.Warning("{Kind:l} hook: header {Header:l} applies to a request body and a GET has none; not sent", kind, name);
                continue;
            }
            request.Content.Headers.Remove(name);
            request.Content.Headers.TryAddWithoutValidation(name, value);
        }

        var target = $"{method.Method} {url}";
        using var handler = CreateHandler();
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 400)
                return new HookResult(true, $"HTTP {status} from {target}");
            // Mask first, then shorten: a secret split by the cut would escape the mask in part.
            // A multi-line secret matches before the line breaks become spaces.
            var raw = await ReadStartAsync(response, cancellationToken).ConfigureAwait(false);
            var body = masker.ApplyAndShorten(masker.Apply(raw).ReplaceLineEndings(" ").Trim(), MaxResponseBodyInMessage);
            var reason = string.IsNullOrEmpty(response.ReasonPhrase) ? "" : $" {response.ReasonPhrase}";
            return new HookResult(false, $"HTTP {status}{reason} from {target}" + (body.Length > 0 ? $": {body}" : ""));
        }
        catch (HttpRequestException e)
        {
            return new HookResult(false, $"{target}: {Describe(e)}");
        }
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        // Like the kubelet's probes: a redirect is an answer (success), not something to follow.
        AllowAutoRedirect = false,
        // A hook talks to its own pod; an HTTP(S)_PROXY meant for the repository must not apply.
        UseProxy = false,
        UseCookies = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            // The kubelet does not verify a probe's certificate either; pods serve self-signed ones.
#pragma warning disable CA5359 // Deliberate: hook endpoints are the pod's own, addressed by IP.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
        },
    };

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[ResponseBodyReadLimit];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    break;
                read += n;
            }
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
    }

    private async Task<HookResult> TcpAsync(TcpSocketAction action, string? containerName, HookContext context, CancellationToken cancellationToken)
    {
        if (ResolvePort(action.Port, containerName) is not { } port)
            return new HookResult(false, UnknownPortMessage("tcpSocket", action.Port));
        var host = Host(action.Host, context);
        var target = $"{HostForUri(host)}:{port.ToString(CultureInfo.InvariantCulture)}";
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new HookResult(true, $"connected to {target}");
        }
        catch (SocketException e)
        {
            return new HookResult(false, $"connect to {target}: {e.Message}");
        }
    }

    private string Host(string? host, HookContext context)
    {
        var rendered = string.IsNullOrEmpty(host) ? "" : HookTemplate.Render(host, context);
        if (rendered.Length > 0)
            return rendered;
        return string.IsNullOrEmpty(options.PodIp) ? "127.0.0.1" : options.PodIp;
    }

    private static string HostForUri(string host) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;

    /// <summary>A number, a named container port, or (as the kubelet accepts) a number written as a string.</summary>
    private int? ResolvePort(IntOrString? port, string? containerName)
    {
        if (port?.Number is { } number)
            return number;
        var name = port?.Name ?? "";
        if (!string.IsNullOrEmpty(containerName)
            && options.ContainerNamedPorts.TryGetValue(containerName, out var containerPorts)
            && containerPorts.TryGetValue(name, out var inContainer))
        {
            return inContainer;
        }
        if (options.NamedPorts.TryGetValue(name, out var named))
            return named;
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 65535)
            return parsed;
        return null;
    }

    private string UnknownPortMessage(string kind, IntOrString? port)
    {
        var known = options.NamedPorts.Count == 0 ? "none" : string.Join(", ", options.NamedPorts.Keys.Order(StringComparer.Ordinal));
        return $"{kind}.port \"{port}\" is not a named port of the pod's containers (known: {known})";
    }

    private static string Describe(HttpRequestException e)
    {
        // "Connection refused (127.0.0.1:1)" and TLS failures carry the cause in the inner exception.
        var inner = e.InnerException is { } cause && !e.Message.Contains(cause.Message, StringComparison.Ordinal) ? $": {cause.Message}" : "";
        return e.Message + inner;
    }

    private static string Describe(HookSpec hook) => hook switch
    {
        { Exec.Command: { } command } => $"exec {string.Join(' ', command)}" + (string.IsNullOrEmpty(hook.ContainerName) ? "" : $" in container {hook.ContainerName}"),
        { HttpPost: not null } => "httpPost",
        { HttpGet: not null } => "httpGet",
        { TcpSocket: not null } => "tcpSocket",
        _ => "no handler",
    };
}
