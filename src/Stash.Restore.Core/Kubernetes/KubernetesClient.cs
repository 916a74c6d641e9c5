using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// Everything cluster-side, wired from one configuration: the typed API, pods/exec, and the
/// seam implementations the executor uses. The CLI creates one per run.
/// </summary>
internal sealed class KubernetesClient : IDisposable
{
    private readonly KubernetesConnection _connection;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SecretMasker? _masker;

    private KubernetesClient(KubernetesConnection connection, SecretMasker? masker, TimeProvider timeProvider, ILogger logger)
    {
        _connection = connection;
        _masker = masker;
        _timeProvider = timeProvider;
        _logger = logger;
        Api = new KubernetesApi(connection, masker);
        PodExec = new KubernetesPodExec(connection);
    }

    /// <summary>
    /// Loads the configuration (service account, kubeconfig, --master) and connects. The
    /// credentials are registered with <paramref name="masker"/> so they can never be printed.
    /// </summary>
    public static KubernetesClient Create(
        KubernetesConfigRequest request,
        KubernetesRetryOptions? options,
        SecretMasker? masker,
        TimeProvider timeProvider,
        ILogger logger)
    {
        var configuration = KubernetesConfigLoader.Load(request, timeProvider, logger);
        if (masker is not null && configuration.Token is { } token)
            masker.Add(token.GetToken());
        logger.Debug("Talking to the API server {Server} via {Source}", configuration.Server, configuration.Source);
        return new KubernetesClient(new KubernetesConnection(configuration, options ?? KubernetesRetryOptions.Default, timeProvider, logger), masker, timeProvider, logger);
    }

    public KubernetesClientConfiguration Configuration => _connection.Configuration;

    public IKubernetesApi Api { get; }

    public IPodExec PodExec { get; }

    public IHostStatusStore StatusStore(string @namespace, string sessionName) =>
        new KubernetesHostStatusStore(Api, @namespace, sessionName, _connection.Options, _timeProvider, _logger);

    /// <param name="podName">This pod (POD_NAME), shown as the events' source.</param>
    public IRestoreEventRecorder EventRecorder(RestoreSession session, string? podName) =>
        new KubernetesEventRecorder(Api, session, podName, _masker, _timeProvider, _logger);

    /// <param name="podName">This pod (POD_NAME); a per-process suffix makes the holder unique.</param>
    public IUnitClaims HostClaims(string @namespace, string sessionName, string podName, LeaseClaimOptions? options = null) =>
        new LeaseHostClaims(Api, @namespace, sessionName, LeaseHostClaims.NewHolderIdentity(podName), options ?? LeaseClaimOptions.Default, _timeProvider, _logger);

    public void Dispose() => _connection.Dispose();
}
