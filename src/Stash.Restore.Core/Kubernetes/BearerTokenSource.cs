using System.Net.Http.Headers;
using k8s.Authentication;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// A bearer token: fixed (kubeconfig <c>token</c>), read from a file that may change (service
/// account and kubeconfig <c>tokenFile</c>, which KubernetesClient.Aot lacks: projected tokens
/// rotate, so the file is re-read when it changes, at least every minute, and after a 401), or
/// from a kubeconfig <c>exec</c> credential plugin (the library's provider, which re-runs the
/// plugin when its token expires).
/// </summary>
internal sealed class BearerTokenSource : ITokenProvider
{
    // client-go re-reads a token file once a minute; the mtime check catches rotations sooner.
    private static readonly TimeSpan RereadInterval = TimeSpan.FromMinutes(1);

    private readonly string? _fixedToken;
    private readonly string? _path;
    private readonly ITokenProvider? _plugin;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private string? _cached;
    private DateTime _cachedWriteTime;
    private DateTimeOffset _readAt;

    private BearerTokenSource(string? fixedToken, string? path, ITokenProvider? plugin, TimeProvider timeProvider)
    {
        _fixedToken = fixedToken;
        _path = path;
        _plugin = plugin;
        _timeProvider = timeProvider;
    }

    public static BearerTokenSource Fixed(string token) => new(token, null, null, TimeProvider.System);

    public static BearerTokenSource FromFile(string path, TimeProvider timeProvider) => new(null, path, null, timeProvider);

    /// <summary>A credential plugin (kubeconfig <c>exec</c>): <paramref name="firstToken"/> is what it gave when the configuration was read.</summary>
    public static BearerTokenSource FromPlugin(ITokenProvider plugin, string firstToken) => new(firstToken, null, plugin, TimeProvider.System);

    /// <summary>The file the token is read from, or null.</summary>
    public string? FilePath => _path;

    /// <summary>The current token (never logged).</summary>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_plugin is not null)
        {
            var header = await _plugin.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
            return header.Parameter ?? "";
        }
        return GetToken();
    }

    /// <summary>The current token of a fixed or file token; a plugin's first token.</summary>
    public string GetToken()
    {
        if (_path is null)
            return _fixedToken!;
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            var writeTime = WriteTimeOrDefault(_path);
            if (_cached is null || writeTime != _cachedWriteTime || now - _readAt >= RereadInterval)
            {
                _cached = ReadTokenFile(_path);
                _cachedWriteTime = writeTime;
                _readAt = now;
            }
            return _cached;
        }
    }

    /// <summary>
    /// Forgets the cached token after the server rejected it. Returns true when a re-read
    /// yields a different token (worth one more try).
    /// </summary>
    public bool Refresh()
    {
        if (_path is null)
            return false;
        lock (_gate)
        {
            var before = _cached;
            _cached = ReadTokenFile(_path);
            _cachedWriteTime = WriteTimeOrDefault(_path);
            _readAt = _timeProvider.GetUtcNow();
            return !string.Equals(before, _cached, StringComparison.Ordinal);
        }
    }

    async Task<AuthenticationHeaderValue> ITokenProvider.GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
        new("Bearer", await GetTokenAsync(cancellationToken).ConfigureAwait(false));

    internal static string ReadTokenFile(string path)
    {
        try
        {
            var token = File.ReadAllText(path).Trim();
            if (token.Length == 0)
                throw new DependencyUnavailableException($"token file '{path}' is empty");
            return token;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot read token file '{path}': {e.Message}", e);
        }
    }

    private static DateTime WriteTimeOrDefault(string path)
    {
        try
        {
            // Follows the ..data symlink swap a projected volume does on rotation.
            return File.GetLastWriteTimeUtc(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return default;
        }
    }
}
