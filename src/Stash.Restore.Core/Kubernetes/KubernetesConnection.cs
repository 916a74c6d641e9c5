using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Polly;
using Polly.Timeout;
using Serilog;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// HTTPS to one API server: TLS trusting only the configured CA, bearer token or client
/// certificate, every request under the retry pipeline. Answers come back read in full.
/// </summary>
internal sealed class KubernetesConnection : IDisposable
{
    private const string UserAgent = "stash-restore/0.1";

    private static readonly ResiliencePropertyKey<string> LastFailureKey = new("stash-restore.last-failure");

    private readonly HttpClient _httpClient;
    private readonly KubernetesRetryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<ApiResponse> _idempotent;
    private readonly ResiliencePipeline<ApiResponse> _notIdempotent;
    private long _attempts;

    public KubernetesConnection(KubernetesClientConfiguration configuration, KubernetesRetryOptions options, TimeProvider timeProvider, ILogger logger)
    {
        Configuration = configuration;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _httpClient = new HttpClient(CreateHandler(configuration), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _idempotent = KubernetesRetryClassifier.BuildPipeline(options, RequestSafety.Idempotent, timeProvider, LogRetry);
        _notIdempotent = KubernetesRetryClassifier.BuildPipeline(options, RequestSafety.NotIdempotent, timeProvider, LogRetry);
    }

    public KubernetesClientConfiguration Configuration { get; }

    public KubernetesRetryOptions Options => _options;

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>HTTP attempts sent so far, retries included (for benchmarks and tests).</summary>
    public long AttemptCount => Interlocked.Read(ref _attempts);

    /// <summary>
    /// Sends one request under the retry pipeline and returns the final answer, success or
    /// not. Throws <see cref="DependencyUnavailableException"/> when no answer arrived in time.
    /// </summary>
    public async Task<ApiResponse> SendAsync(
        HttpMethod method,
        string pathAndQuery,
        ApiRequestTarget target,
        string? body,
        string? contentType,
        RequestSafety safety,
        CancellationToken cancellationToken)
    {
        var pipeline = safety == RequestSafety.Idempotent ? _idempotent : _notIdempotent;
        var started = _timeProvider.GetTimestamp();
        var state = (Connection: this, Method: method, Path: pathAndQuery, Body: body, ContentType: contentType);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var response = await pipeline.ExecuteAsync(
                static async (ctx, s) => await s.Connection.SendOnceAsync(s.Method, s.Path, s.Body, s.ContentType, ctx.CancellationToken).ConfigureAwait(false),
                context,
                state).ConfigureAwait(false);

            // A projected token may have rotated since it was read: one more try with the new one.
            if (response.StatusCode == 401 && Configuration.Token?.Refresh() == true)
                response = await SendOnceAsync(method, pathAndQuery, body, contentType, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch (TimeoutRejectedException e)
        {
            var elapsed = _timeProvider.GetElapsedTime(started);
            var last = context.Properties.TryGetValue(LastFailureKey, out var failure) ? $" (last: {failure})" : "";
            throw KubernetesErrors.Unreachable(target, Configuration.Server, $"no usable answer within {FormatSeconds(elapsed)}{Scrub(last)}", e);
        }
        catch (HttpRequestException e)
        {
            throw KubernetesErrors.Unreachable(target, Configuration.Server, Scrub(DescribeNetworkError(e)), e);
        }
        catch (IOException e)
        {
            throw KubernetesErrors.Unreachable(target, Configuration.Server, Scrub(e.Message), e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Replaces the bearer token, should it ever appear in text, with ***.</summary>
    public string Scrub(string text)
    {
        if (Configuration.Token is not { } token)
            return text;
        string value;
        try
        {
            value = token.GetToken();
        }
        catch (DependencyUnavailableException)
        {
            return text;
        }
        return value.Length == 0 ? text : text.Replace(value, Secrets.SecretMasker.Mask, StringComparison.Ordinal);
    }

    internal Uri BuildUri(string pathAndQuery) =>
        new(Configuration.Server.AbsoluteUri.TrimEnd('/') + pathAndQuery);

    private async Task<ApiResponse> SendOnceAsync(HttpMethod method, string pathAndQuery, string? body, string? contentType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, BuildUri(pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd(UserAgent);
        if (Configuration.Token is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.GetToken());
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType ?? "application/json"));

        Interlocked.Increment(ref _attempts);
        using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new ApiResponse((int)response.StatusCode, text, ApiResponse.ReadRetryAfter(response.Headers.RetryAfter, _timeProvider.GetUtcNow()));
    }

    private void LogRetry(ResilienceContext context, Outcome<ApiResponse> outcome, int attempt, TimeSpan delay)
    {
        var failure = KubernetesRetryClassifier.Describe(outcome);
        context.Properties.Set(LastFailureKey, failure);
        _logger.Debug("API request failed ({Failure}); attempt {Attempt} in {Delay}", Scrub(failure), attempt, delay);
    }

    private static string DescribeNetworkError(HttpRequestException e)
    {
        // The innermost message is the one that says "Connection refused" or names the TLS problem.
        var messages = new List<string>();
        for (Exception? current = e; current is not null; current = current.InnerException)
            messages.Add(current.Message);
        return string.Join(": ", messages.Distinct());
    }

    private static string FormatSeconds(TimeSpan elapsed) => $"{elapsed.TotalSeconds:0.#}s";

    /// <summary>The TLS and client-certificate setup shared by HTTP and WebSocket (pods/exec).</summary>
    internal static SocketsHttpHandler CreateHandler(KubernetesClientConfiguration configuration)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            ValidateServerCertificate(configuration, certificate, chain, errors);
        if (configuration.ClientCertificate is { } clientCertificate)
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { clientCertificate };
        return handler;
    }

    /// <summary>
    /// Trusts the configured CA for this client only (a custom root store, not the machine's),
    /// or the system store when none is configured; insecure-skip-tls-verify accepts anything.
    /// </summary>
    internal static bool ValidateServerCertificate(KubernetesClientConfiguration configuration, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (configuration.InsecureSkipTlsVerify)
            return true;
        if (configuration.CertificateAuthorities is not { Count: > 0 } authorities)
            return errors == SslPolicyErrors.None;
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            return false;

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1))
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    public void Dispose() => _httpClient.Dispose();
}
