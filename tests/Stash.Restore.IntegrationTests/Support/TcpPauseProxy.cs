using System.Net;
using System.Net.Sockets;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a server (the test API server: TLS passes through untouched),
/// that a test can pause as an API server that blinks: while paused every open connection is reset and
/// every new one is reset as soon as it is accepted; resumed, connections pass again.
/// </summary>
internal sealed class TcpPauseProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _paused;
    private int _turnedAway;

    private TcpPauseProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>A proxy in front of <paramref name="upstream"/> (scheme, host and port), passing connections.</summary>
    public static TcpPauseProxy Start(Uri upstream) => new(upstream);

    /// <summary>The proxy's address with the upstream's scheme: <c>https://127.0.0.1:PORT</c>.</summary>
    public Uri Address => new($"{_upstream.Scheme}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Connections reset on arrival while paused: the client kept trying.</summary>
    public int TurnedAway => Volatile.Read(ref _turnedAway);

    /// <summary>Resets every open connection and, until <see cref="Resume"/>, every new one.</summary>
    public void Pause()
    {
        _paused = true;
        lock (_open)
        {
            foreach (var client in _open)
                Reset(client);
            _open.Clear();
        }
    }

    public void Resume() => _paused = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            if (_paused)
            {
                Interlocked.Increment(ref _turnedAway);
                Reset(client);
                continue;
            }
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(upstream);
            }
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var clientStream = client.GetStream();
            var upstreamStream = upstream.GetStream();
            await Task.WhenAny(clientStream.CopyToAsync(upstreamStream, done.Token), upstreamStream.CopyToAsync(clientStream, done.Token));
            await done.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A connection reset by Pause, or the server gone: the client sees it as a broken connection.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }
            client.Dispose();
        }
    }

    /// <summary>Closes with RST, as a server that went away: the client learns at once, no graceful end.</summary>
    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Pause();
        _stop.Dispose();
    }
}
