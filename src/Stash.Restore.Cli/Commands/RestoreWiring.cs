using System.CommandLine;
using System.Text.Json;
using Serilog;
using Stash.Restore.Core;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Status;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// Where a run's inputs come from and where its results go: the API in a cluster, files offline.
/// Everything else about a restore is the same in both modes.
/// </summary>
internal sealed class RestoreWiring : IAsyncDisposable
{
    public required RestoreInputs Inputs { get; init; }
    public required IHostStatusStore Status { get; init; }
    public required IRestoreEventRecorder Events { get; init; }
    public required IUnitClaims Claims { get; init; }

    /// <summary>Runs exec hooks in the pod's other containers; null offline.</summary>
    public Core.Hooks.IPodExec? PodExec { get; init; }

    /// <summary>This pod (IP, named ports) when hooks need it; null offline or when it could not be read.</summary>
    public PodInfo? Pod { get; init; }

    public string? PodIp { get; init; }

    private IDisposable? Connection { get; init; }

    public async Task FinishAsync(TextWriter output)
    {
        // Offline without --status-file the status is the run's output.
        if (Status is InMemoryStatusStore memory)
            await output.WriteLineAsync(JsonSerializer.Serialize(memory.Current ?? new RestoreSessionStatus(), StatusJson.Indented.RestoreSessionStatus));
    }

    public ValueTask DisposeAsync()
    {
        Connection?.Dispose();
        return ValueTask.CompletedTask;
    }

    public static RestoreWiring Offline(string sessionFile, RestoreFlags flags, ParseResult parse, PodIdentity pod, CliHost host, SecretMasker masker, ILogger log)
    {
        var inputs = StashOfflineInputs.Load(sessionFile, parse.GetValue(flags.RepositoryFile), parse.GetValue(flags.SecretDir), pod, parse.GetValue(flags.Host), masker);
        var statusFile = parse.GetValue(flags.StatusFile);
        return new RestoreWiring
        {
            Inputs = inputs,
            Status = statusFile is null ? new InMemoryStatusStore(inputs.Session.Status) : new StatusFileStore(statusFile, inputs.Session.Status),
            Events = new LoggedEventRecorder(log),
            Claims = new UncontendedClaims(),
            PodIp = host.Environment.GetValueOrDefault("POD_IP"),
        };
    }

    /// <summary>Offline from the --objects files: a Stash RestoreSession, its Repository and Secret.</summary>
    public static RestoreWiring FromObjects(string[] files, RestoreFlags flags, ParseResult parse, PodIdentity pod, CliHost host, SecretMasker masker, ILogger log)
    {
        var @namespace = parse.GetValue(flags.Namespace) ?? host.Environment.GetValueOrDefault("POD_NAMESPACE") ?? "default";
        var inputs = StashObjectSetInputs.Load(ObjectSet.Read(files, @namespace), parse.GetValue(flags.RestoreSession), @namespace, pod, parse.GetValue(flags.Host), masker)
            ?? throw new InvalidInputException(
                $"the --objects files hold no RestoreSession ({RestoreSession.ApiVersionV1Beta1} or {Core.Families.KubeStash.RestoreSession.ApiVersionV1Alpha1})");
        var statusFile = parse.GetValue(flags.StatusFile);
        return new RestoreWiring
        {
            Inputs = inputs,
            Status = statusFile is null ? new InMemoryStatusStore(inputs.Session.Status) : new StatusFileStore(statusFile, inputs.Session.Status),
            Events = new LoggedEventRecorder(log),
            Claims = new UncontendedClaims(),
            PodIp = host.Environment.GetValueOrDefault("POD_IP"),
        };
    }

    public static async Task<RestoreWiring> ClusterAsync(
        RestoreFlags flags, ParseResult parse, PodIdentity pod, CliHost host, SecretMasker masker, ILogger log, CancellationToken cancellationToken)
    {
        var request = new KubernetesConfigRequest(host.Environment, parse.GetValue(flags.Kubeconfig), parse.GetValue(flags.Master));
        var client = KubernetesClient.Create(request, KubernetesRetryOptions.Default, masker, host.Clock, log);
        try
        {
            var selector = Selector(flags, parse, host, client.Configuration);
            var inputs = await StashClusterInputs.LoadAsync(client.Api, selector, parse.GetValue(flags.SecretDir), pod, parse.GetValue(flags.Host), masker, cancellationToken);
            var podName = pod.PodName ?? host.OsHostName ?? "stash-restore";
            // What these parts log names the session (the client was made before the session was known).
            var sessionLog = log.ForSession(selector.Namespace, selector.Name);
            return new RestoreWiring
            {
                Inputs = inputs,
                Status = new KubernetesHostStatusStore(client.Api, selector.Namespace, selector.Name, client.RetryOptions, host.Clock, sessionLog),
                Events = client.EventRecorder(StashObjects.EventTarget(inputs.Session), pod.PodName, sessionLog),
                Claims = client.HostClaims(selector.Namespace, selector.Name, podName, log: sessionLog),
                PodExec = new KubernetesPodExecAdapter(client.PodExec, pod.PodNamespace ?? selector.Namespace, podName),
                Pod = await OwnPodAsync(client.Api, pod, inputs.Session, log, cancellationToken),
                PodIp = host.Environment.GetValueOrDefault("POD_IP"),
                Connection = client,
            };
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>--restoresession, or what the operator's --invoker-kind/--invoker-name say; namespace from the flag, the pod, or the credentials.</summary>
    private static SessionSelector Selector(RestoreFlags flags, ParseResult parse, CliHost host, KubernetesClientConfiguration configuration)
    {
        var name = parse.GetValue(flags.RestoreSession);
        if (name is null && parse.GetValue(flags.InvokerName) is { } invoker)
        {
            var kind = parse.GetValue(flags.InvokerKind) ?? RestoreSession.KindName;
            if (kind != RestoreSession.KindName)
                throw new InvalidInputException($"--invoker-kind {kind} is not supported; this executor restores a {RestoreSession.KindName}");
            name = invoker;
        }
        if (string.IsNullOrWhiteSpace(name))
            throw new InvalidInputException("name the RestoreSession: --restoresession NAME (cluster) or --restoresession-file FILE (offline)");
        var ns = parse.GetValue(flags.Namespace) ?? host.Environment.GetValueOrDefault("POD_NAMESPACE") ?? configuration.Namespace;
        if (string.IsNullOrWhiteSpace(ns))
            throw new InvalidInputException($"no namespace for RestoreSession {name}: pass --namespace (POD_NAMESPACE is unset and the credentials name none)");
        return new SessionSelector(ns, name, parse.GetValue(flags.TargetKind), parse.GetValue(flags.TargetName), parse.GetValue(flags.TargetNamespace));
    }

    /// <summary>The pod's IP and named ports, for HTTP/TCP hooks. Best effort: without them such hooks need an explicit host and port.</summary>
    private static async Task<PodInfo?> OwnPodAsync(IKubernetesApi api, PodIdentity pod, RestoreSession session, ILogger log, CancellationToken cancellationToken)
    {
        var hooks = new[] { session.Spec.Hooks?.PreRestore, session.Spec.Hooks?.PostRestore };
        var needsPod = hooks.Any(h => h?.HttpGet is not null || h?.HttpPost is not null || h?.TcpSocket is not null);
        if (!needsPod || pod.PodName is null || pod.PodNamespace is null)
            return null;
        try
        {
            return await api.GetPodAsync(pod.PodNamespace, pod.PodName, cancellationToken);
        }
        catch (RestoreException e)
        {
            log.Warning("Could not read this pod for hook defaults (pod IP, named ports): {Error}", e.Message);
            return null;
        }
    }
}
