using System.Text.Json;
using Serilog;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// Where a run's inputs come from and where its results go: the API in a cluster, files offline.
/// Everything else about a restore is the same in both modes.
/// </summary>
internal sealed class RestoreWiring
{
    public required StashInputs Inputs { get; init; }
    public required IHostStatusStore Status { get; init; }
    public required IRestoreEventRecorder Events { get; init; }
    public required IUnitClaims Claims { get; init; }

    /// <summary>Runs exec hooks in the pod's other containers; null offline.</summary>
    public Core.Hooks.IPodExec? PodExec { get; init; }

    /// <summary>This pod (IP, named ports) when hooks need it; null offline or when it could not be read.</summary>
    public PodInfo? Pod { get; init; }

    public string? PodIp { get; init; }

    public async Task FinishAsync(TextWriter output)
    {
        // Offline without --status-file the status is the run's output.
        if (Status is InMemoryHostStatus memory)
            await output.WriteLineAsync(JsonSerializer.Serialize(memory.Current ?? new RestoreSessionStatus(), StatusJson.Indented.RestoreSessionStatus));
    }

    /// <summary>
    /// Offline: <c>--restoresession-file</c>/<c>--repository-file</c>/<c>--secret-dir</c>, or the Stash
    /// RestoreSession, Repository and Secret in the <c>--objects</c> files (<paramref name="objects"/>).
    /// </summary>
    public static async Task<RestoreWiring> OfflineAsync(
        ObjectSet? objects, RestoreOptions options, PodIdentity pod, CliHost host, SecretMasker masker, ILogger log, CancellationToken cancellationToken)
    {
        var source = objects is null
            ? StashFileObjects.Of(options.RestoreSessionFile!, options.RepositoryFile, options.SecretDir, masker)
            : StashFileObjects.Of(objects, masker);
        var selector = source.Select(options.RestoreSession, SessionNamespace.Offline(options, host.Environment));
        var inputs = await StashInputs.LoadAsync(source, selector, options.SecretDir, pod, options.Host, masker, cancellationToken);
        var statusFile = options.StatusFile;
        return new RestoreWiring
        {
            Inputs = inputs,
            Status = statusFile is null ? new InMemoryHostStatus(inputs.Session.Status) : new HostStatusFile(statusFile, inputs.Session.Status, host.Random),
            Events = new LoggedEventRecorder(log),
            Claims = new UncontendedClaims(),
            PodIp = host.Environment.GetValueOrDefault("POD_IP"),
        };
    }

    /// <summary>The Stash RestoreSession through the API, on the run's one client (the caller disposes it).</summary>
    public static async Task<RestoreWiring> ClusterAsync(
        KubernetesClient client, RestoreOptions options, PodIdentity pod, CliHost host, SecretMasker masker, ILogger log, CancellationToken cancellationToken)
    {
        var selector = StashSessionChoice.Select(options, host.Environment, client.Configuration.Namespace);
        var inputs = await StashInputs.LoadAsync(new StashApiObjects(client.Api), selector, options.SecretDir, pod, options.Host, masker, cancellationToken);
        var podName = pod.PodName ?? host.OsHostName ?? "stash-restore";
        // What these parts log names the session (the client was made before the session was known).
        var sessionLog = log.ForSession(selector.Namespace, selector.Name);
        return new RestoreWiring
        {
            Inputs = inputs,
            Status = new KubernetesHostStatus(client.Api, selector.Namespace, selector.Name, client.RetryOptions, host.Clock, sessionLog, host.Random),
            Events = client.EventRecorder(StashObjects.EventTarget(inputs.Session), pod.PodName, sessionLog),
            // A restore Job runs one pod per host, and upstream takes no lock there: no Lease, and no need of the permission.
            Claims = options.RestoreModel == RestoreModels.Job
                ? new UncontendedClaims()
                : client.UnitClaims(StashObjects.ClaimScope, selector.Namespace, selector.Name, podName, log: sessionLog),
            PodExec = new OwnPodExec(client.PodExec, pod.PodNamespace ?? selector.Namespace, podName),
            Pod = await StashOwnPod.ReadAsync(client.Api, pod, inputs.Session, log, cancellationToken),
            PodIp = host.Environment.GetValueOrDefault("POD_IP"),
        };
    }
}
