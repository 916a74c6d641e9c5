using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>
/// A server program started by a test fixture on 127.0.0.1: started, polled until it answers,
/// and killed (with its children) on dispose. Its last output lines explain a failed start.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputKept = 40;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>How long the server took from start until it answered.</summary>
    public TimeSpan StartTime { get; private set; }

    /// <summary>The server's last lines of output, for failure messages.</summary>
    public string OutputTail => string.Join('\n', _output);

    /// <summary>A port nothing listens on: bound by the OS, then released.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> and waits until <paramref name="ready"/> says it answers.
    /// </summary>
    /// <exception cref="InvalidOperationException">It exited, or did not answer within <paramref name="patience"/>.</exception>
    public static async Task<ServerProcess> StartAsync(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        Func<Task<bool>> ready,
        TimeSpan patience,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        var server = new ServerProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"{name}: could not start {fileName}"));
        server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        server._process.StandardInput.Close();
        try
        {
            while (true)
            {
                if (server._process.HasExited)
                    throw new InvalidOperationException($"{name} exited with {server._process.ExitCode} before answering:\n{server.OutputTail}");
                if (await ready())
                    break;
                if (clock.Elapsed > patience)
                    throw new InvalidOperationException($"{name} did not answer within {patience.TotalSeconds:0}s:\n{server.OutputTail}");
                await Task.Delay(100);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        server.StartTime = clock.Elapsed;
        return server;
    }

    /// <summary>A ready probe: a TCP connection to 127.0.0.1:<paramref name="port"/> is accepted.</summary>
    public static Func<Task<bool>> Accepts(int port) => async () =>
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    };

    /// <summary>A ready probe: GET <paramref name="url"/> answers with any HTTP status.</summary>
    public static Func<Task<bool>> AnswersHttp(Uri url, HttpMessageHandler? handler = null) => async () =>
    {
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(2);
        try
        {
            using var response = await http.GetAsync(url);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    };

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > OutputKept)
            _output.TryDequeue(out _);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        _process.Dispose();
    }
}
