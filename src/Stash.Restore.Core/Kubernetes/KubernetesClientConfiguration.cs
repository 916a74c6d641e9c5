using System.Security.Cryptography.X509Certificates;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// Where the API server is and how to authenticate to it: the result of reading the
/// in-cluster service account or a kubeconfig. Holds no secret in <see cref="ToString"/>.
/// </summary>
internal sealed record KubernetesClientConfiguration
{
    public required Uri Server { get; init; }

    /// <summary>The namespace of the service account or the kubeconfig context, if any.</summary>
    public string? Namespace { get; init; }

    /// <summary>CAs trusted for this client only. Null: the system trust store.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    public BearerTokenSource? Token { get; init; }

    /// <summary>Client certificate with its private key (kubeconfig client-certificate/client-key).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>For messages: "in-cluster service account" or "kubeconfig /path (context c, user u)".</summary>
    public required string Source { get; init; }

    public override string ToString() => $"{Server} via {Source}";
}

/// <summary>
/// A bearer token: fixed (kubeconfig <c>token</c>) or read from a file that may change
/// (service account and kubeconfig <c>tokenFile</c>: projected tokens rotate, so the file is
/// re-read when it changes, at least every minute, and after a 401).
/// </summary>
internal sealed class BearerTokenSource
{
    // client-go re-reads a token file once a minute; the mtime check catches rotations sooner.
    private static readonly TimeSpan RereadInterval = TimeSpan.FromMinutes(1);

    private readonly string? _fixedToken;
    private readonly string? _path;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private string? _cached;
    private DateTime _cachedWriteTime;
    private DateTimeOffset _readAt;

    private BearerTokenSource(string? fixedToken, string? path, TimeProvider timeProvider)
    {
        _fixedToken = fixedToken;
        _path = path;
        _timeProvider = timeProvider;
    }

    public static BearerTokenSource Fixed(string token) => new(token, null, TimeProvider.System);

    public static BearerTokenSource FromFile(string path, TimeProvider timeProvider) => new(null, path, timeProvider);

    /// <summary>The file the token is read from, or null for a fixed token.</summary>
    public string? FilePath => _path;

    /// <summary>The current token (never logged).</summary>
    public string GetToken()
    {
        if (_fixedToken is not null)
            return _fixedToken;
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            var writeTime = WriteTimeOrDefault(_path!);
            if (_cached is null || writeTime != _cachedWriteTime || now - _readAt >= RereadInterval)
            {
                _cached = ReadTokenFile(_path!);
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
        if (_fixedToken is not null)
            return false;
        lock (_gate)
        {
            var before = _cached;
            _cached = ReadTokenFile(_path!);
            _cachedWriteTime = WriteTimeOrDefault(_path!);
            _readAt = _timeProvider.GetUtcNow();
            return !string.Equals(before, _cached, StringComparison.Ordinal);
        }
    }

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
