using System.Security.Cryptography.X509Certificates;
using Serilog;
using Stash.Restore.Core.Platform;
using Stash.Restore.Core.Secrets;
using LibraryConfiguration = k8s.KubernetesClientConfiguration;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// The transport, wired from one configuration: KubernetesClient.Aot with the executor's handlers
/// in its HTTP pipeline (retries, bearer token), the API and pods/exec. The engine's seams made
/// of it live in <c>Cluster/</c>. The CLI creates one per run.
/// </summary>
internal sealed class KubernetesClient : IDisposable
{
    private const string UserAgent = "stash-restore/0.1";

    private readonly k8s.Kubernetes _client;
    private readonly KubernetesRetryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SecretMasker? _masker;
    private readonly KubernetesApi _api;
    private readonly KubernetesRetryHandler _retry;
    private readonly IRandomSource _random;

    private KubernetesClient(ApiServerConnection configuration, KubernetesRetryOptions options, SecretMasker? masker, TimeProvider timeProvider, ILogger logger, IRandomSource random)
    {
        Configuration = configuration;
        _random = random;
        _options = options;
        _masker = masker;
        _timeProvider = timeProvider;
        _logger = logger;

        // Retries outside, token inside: every attempt carries the current token.
        KubernetesApi? api = null;
        _retry = new KubernetesRetryHandler(options, timeProvider, logger, text => api?.Scrub(text) ?? text);
        var handlers = configuration.Token is { } token
            ? new DelegatingHandler[] { _retry, new BearerTokenHandler(token, masker) }
            : [_retry];
        // With the cluster's CA given, the server is checked against that CA alone, as kubectl does
        // (client-go's root pool is the CA, not the system store), on both transports.
        var trust = configuration.CertificateAuthorities is { Count: > 0 } authorities && !configuration.InsecureSkipTlsVerify
            ? new ClusterServerTrust(authorities, configuration.Source, configuration.TlsServerName)
            : null;
        _client = new k8s.Kubernetes(ToLibrary(configuration, options, trust), handlers)
        {
            CreateWebSocketBuilder = () => new StatusReportingWebSocketBuilder(trust),
        };
        _api = api = new KubernetesApi(_client, configuration, masker);
        PodExec = new KubernetesPodExec(_client, _api);
    }

    /// <summary>
    /// Loads the configuration (service account, kubeconfig, --master) and connects. The
    /// credentials are registered with <paramref name="masker"/> so they can never be printed.
    /// </summary>
    /// <param name="random">Unique event names and Lease holders; the system generator when not given.</param>
    public static KubernetesClient Create(
        KubernetesConfigRequest request,
        KubernetesRetryOptions? options,
        SecretMasker? masker,
        TimeProvider timeProvider,
        ILogger logger,
        IRandomSource? random = null)
    {
        var configuration = KubernetesConfigLoader.Load(request, timeProvider, logger);
        return Create(configuration, options, masker, timeProvider, logger, random);
    }

    /// <summary>A client for a configuration already loaded (tests adjust one before connecting).</summary>
    public static KubernetesClient Create(
        ApiServerConnection configuration,
        KubernetesRetryOptions? options,
        SecretMasker? masker,
        TimeProvider timeProvider,
        ILogger logger,
        IRandomSource? random = null)
    {
        if (masker is not null && configuration.Token is { } token)
            masker.Add(token.GetToken());
        logger.Debug("Talking to the API server {Server} via {Source}", configuration.DisplayServer, configuration.Source);
        return new KubernetesClient(configuration, options ?? KubernetesRetryOptions.Default, masker, timeProvider, logger, random ?? new SystemRandomSource());
    }

    public ApiServerConnection Configuration { get; }

    public IKubernetesApi Api => _api;

    /// <summary>The implementation behind <see cref="Api"/> (tests reach its error scrubbing and calls directly).</summary>
    internal KubernetesApi Transport => _api;

    public KubernetesPodExec PodExec { get; }

    /// <summary>HTTP attempts sent so far, retries included (for benchmarks and tests).</summary>
    public long AttemptCount => _retry.AttemptCount;

    /// <summary>The retry policy this client's calls follow (status stores read-modify-write on top of it).</summary>
    public KubernetesRetryOptions RetryOptions => _options;

    /// <summary>Where event names and Lease holders get their random parts.</summary>
    internal IRandomSource Random => _random;

    /// <summary>The run's masker: what must never appear in text sent to the API server.</summary>
    internal SecretMasker? Masker => _masker;

    internal TimeProvider TimeProvider => _timeProvider;

    internal ILogger Logger => _logger;

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// The library's configuration: server and TLS only. Credentials are not handed over (the
    /// token travels through <see cref="BearerTokenHandler"/>, which the library lacks for token
    /// files), and JSON goes through source-generated contexts only.
    /// </summary>
    private static LibraryConfiguration ToLibrary(ApiServerConnection configuration, KubernetesRetryOptions options, ClusterServerTrust? trust)
    {
        var library = new LibraryConfiguration
        {
            Host = configuration.Server.AbsoluteUri,
            // With a CA, the server is checked by ClusterServerTrust alone; the library's own check of
            // SslCaCerts, installed over anything set here, would refuse a kubeconfig naming an intermediate CA.
            SslCaCerts = trust is null ? configuration.CertificateAuthorities : null,
            SkipTlsVerify = configuration.InsecureSkipTlsVerify,
            TlsServerName = configuration.TlsServerName,
            UserAgent = UserAgent,
            // HTTP/1.1 as before: one request per connection attempt keeps retries and faults simple to reason about.
            DisableHttp2 = true,
            // The retry handler bounds every request; the library's own timeout must not cut it short.
            HttpClientTimeout = options.TotalTimeout + TimeSpan.FromSeconds(30),
        };
        // The library's options know its own models (V1Patch, V1Status); JSON objects come from the executor's context.
        library.AddJsonOptions(options => options.TypeInfoResolverChain.Add(KubernetesJsonContext.Default));
        library.FirstMessageHandlerSetup = handler =>
        {
            if (handler is not SocketsHttpHandler sockets)
                return;
            if (configuration.ClientCertificate is { } certificate)
                (sockets.SslOptions.ClientCertificates ??= new X509CertificateCollection()).Add(certificate);
            if (trust is not null)
            {
                sockets.SslOptions.CertificateChainPolicy = trust.ChainPolicy();
                sockets.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
            }
        };
        return library;
    }
}
