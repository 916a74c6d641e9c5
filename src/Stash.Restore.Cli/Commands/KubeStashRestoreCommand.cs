using System.Text.Json;
using Serilog;
using Stash.Restore.Core;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// <c>restore</c> for a KubeStash (core.kubestash.com/v1alpha1) RestoreSession: one component of a
/// Snapshot, from the <c>--objects</c> files or the API. Chosen by the session's apiVersion.
/// </summary>
internal static class KubeStashRestoreCommand
{
    /// <summary>Where the run's objects come from and its status goes.</summary>
    internal sealed class Wiring
    {
        public required IKubeStashObjectSource Source { get; init; }
        public required RestoreSession Session { get; init; }
        public required IComponentStatusStore Status { get; init; }
        public required IRestoreEventRecorder Events { get; init; }
        public required IUnitClaims Claims { get; init; }

        public async Task FinishAsync(TextWriter output)
        {
            // Offline without --status-file the status is the run's output.
            if (Status is InMemoryComponentStatus memory)
                await output.WriteLineAsync(memory.Current.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

    }

    /// <summary>Offline: the KubeStash RestoreSession in the <c>--objects</c> files; status to <c>--status-file</c> or memory.</summary>
    private static Wiring Offline(ObjectSet objects, RestoreOptions options, CliHost host, SecretMasker masker, ILogger log)
    {
        var @namespace = SessionNamespace.Offline(options, host.Environment);
        var session = KubeStashObjects.RestoreSession(objects, options.RestoreSession, @namespace);
        KubeStashValidation.Accept(session, session.Describe());
        var statusFile = options.StatusFile;
        IComponentStatusStore status = statusFile is null
            ? new InMemoryComponentStatus(session.Status)
            : new ComponentStatusFile(statusFile, session.Status is null ? null : JsonSerializer.SerializeToNode(session.Status, KubeStashJsonContext.Default.RestoreSessionStatus) as System.Text.Json.Nodes.JsonObject, host.Random);
        return new Wiring
        {
            Source = new KubeStashFileObjects(objects, masker),
            Session = session,
            Status = status,
            Events = new LoggedEventRecorder(log),
            Claims = new UncontendedClaims(),
        };
    }

    /// <summary>
    /// The KubeStash RestoreSession named by <c>--restoresession</c> through the API (<paramref name="session"/>
    /// when choosing the family read it already). Status goes to its <c>/status</c> by merge patch.
    /// On the run's one client (the caller disposes it).
    /// </summary>
    private static async Task<Wiring> ClusterAsync(
        KubernetesClient client, RestoreSession? session, RestoreOptions options, CliHost host, ILogger log, CancellationToken cancellationToken)
    {
        var choice = KubeStashSessionChoice.Select(options, host.Environment, client.Configuration.Namespace)
            ?? throw new InvalidInputException("name the KubeStash RestoreSession: --restoresession NAME");
        var (@namespace, name) = choice;
        var source = new KubeStashApiObjects(client.Api);
        session ??= await source.GetRestoreSessionAsync(@namespace, name, cancellationToken);
        var podName = host.Environment.GetValueOrDefault("POD_NAME");
        var sessionLog = log.ForSession(@namespace, name);
        return new Wiring
        {
            Source = source,
            Session = session,
            Status = new KubernetesComponentStatus(client.Api, @namespace, name),
            Events = client.EventRecorder(KubeStashApiObjects.EventTarget(session), podName, sessionLog),
            // Pods restoring the same component take turns; different components run in parallel.
            Claims = client.UnitClaims(KubeStashApiObjects.ClaimScope, @namespace, name, podName ?? host.OsHostName ?? "stash-restore", log: sessionLog),
        };
    }

    /// <summary>
    /// Restores the run's component: the session from <paramref name="family"/> (when choosing the family
    /// read it), the <c>--objects</c> files offline, or the API; the scratch directory KubeStash's way.
    /// </summary>
    public static async Task<int> RunAsync(
        CommandRun run, RestoreFamilyChoice family, ObjectSet? objects, KubernetesClient? cluster, ResticRestore restic, CancellationToken cancellationToken)
    {
        var (host, options, masker) = (run.Host, run.Options, run.Masker);
        // Settings before the session's Snapshot and Secrets are read: a bad NICE_ADJUSTMENT is invalid input whatever they say.
        var settings = RestoreSettingsChoice.From(
            options, KubeStashScratchDirectory.Choose(options, host.Environment, Directory.Exists), host.Environment, host.Cgroups?.Read());
        var wiring = objects is not null
            ? Offline(objects, options, host, masker, run.Log)
            : await ClusterAsync(cluster ?? throw new InvalidInputException("a KubeStash restore reads the API or the --objects files"), family.KubeStashSession, options, host, run.Log, cancellationToken);
        var session = wiring.Session;
        var log = run.Log.ForSession(session.Metadata.Namespace, session.Metadata.Name);
        var inputs = await KubeStashInputs.LoadAsync(wiring.Source, session, options.Snapshot, log, cancellationToken);
        var request = new ComponentRequest(options.Component, options.Include, options.Exclude, host.Environment);
        if (options.DryRun)
        {
            var plan = await new KubeStashDryRun(restic, settings, masker, host.Clock, log).PlanAsync(inputs, request, cancellationToken);
            var text = options.JsonOutput
                ? JsonSerializer.Serialize(plan, KubeStashJsonContext.Default.ComponentPlanReport)
                : plan.Render();
            await host.Output.WriteLineAsync(text.TrimEnd());
            return ExitCodes.Success;
        }
        var hooks = new HookExecutor(host.ProcessRunner, null, masker, log, host.Clock, new HookExecutorOptions());
        var parts = new RestoreParts<IComponentStatusStore>(restic, hooks, wiring.Status, wiring.Events, wiring.Claims, null, masker, log, host.Clock) { LiveProgress = run.LiveProgress };
        var outcome = await new KubeStashComponentRestore(parts, settings, host.Interruption).RestoreAsync(inputs, request, cancellationToken);
        await wiring.FinishAsync(host.Output);
        return outcome.ExitCode;
    }
}
