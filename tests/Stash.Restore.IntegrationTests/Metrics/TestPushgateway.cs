using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Stash.Restore.IntegrationTests.Metrics;

/// <summary>What the test Pushgateway received.</summary>
public sealed record ReceivedPush(string Method, string RawPath, string? ContentType, string? Authorization, string Body);

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) that records each request and answers
/// with the configured status and body.
/// </summary>
public sealed class TestPushgateway : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly int _status;
    private readonly string _answer;

    public TestPushgateway(int status = 200, string answer = "")
    {
        _status = status;
        _answer = answer;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public ConcurrentQueue<ReceivedPush> Requests { get; } = new();

    /// <summary>A port nothing listens on: bound by the OS, then released.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream, context.Request.ContentEncoding))
            {
                var body = await reader.ReadToEndAsync();
                Requests.Enqueue(new ReceivedPush(
                    context.Request.HttpMethod,
                    context.Request.RawUrl ?? "",
                    context.Request.ContentType,
                    context.Request.Headers["Authorization"],
                    body));
            }

            context.Response.StatusCode = _status;
            var bytes = System.Text.Encoding.UTF8.GetBytes(_answer);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        // On Linux a pending GetContextAsync is not always woken by Close (seen as a 5-minute test hang):
        // wait briefly for the loop, never forever.
        await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(5)));
    }
}
