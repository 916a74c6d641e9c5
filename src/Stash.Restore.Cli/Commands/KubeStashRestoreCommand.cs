using System.CommandLine;
using System.Text.Json;
using Serilog;
using Stash.Restore.Core;
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
    /// <summary>Default scratch directory of KubeStash's executor pods, used when it exists.</summary>
    public const string KubeStashScratchDirectory = "/kubestash-tmp";

    /// <summary>Where the run's objects come from and its status goes.</summary>
    internal sealed class Wiring : IAsyncDisposable
    {
        public required IKubeStashObjectSource Source { get; init; }
        public required RestoreSession Session { get; init; }
        public required IComponentStatusStore Status { get; init; }
        public required IRestoreEventRecorder Events { get; init; }
        public required IUnitClaims Claims { get; init; }
        public IDisposable? Connection { get; init; }

        public async Task FinishAsync(TextWriter output)
        {
            // Offline without --status-file the status is the run's output.
            if (Status is InMemoryComponentStatus memory)
                await output.WriteLineAsync(memory.Current.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }

        public ValueTask DisposeAsync()
        {
            Connection?.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The objects files, when they hold a KubeStash RestoreSession (else null: another family's run).</summary>
    public static Wiring? Offline(RestoreFlags flags, ParseResult parse, CliHost host, SecretMasker masker, ILogger log)
    {
        var files = parse.GetValue(flags.Objects) ?? [];
        if (files.Length == 0)
            return null;
        var @namespace = DefaultNamespace(flags, parse, host);
        var objects = ObjectSet.Read(files, @namespace);
        if (!objects.OfKind(RestoreSession.ApiVersionV1Alpha1, RestoreSession.KindName).Any())
            return null;
        var session = KubeStashObjects.RestoreSession(objects, parse.GetValue(flags.RestoreSession), @namespace);
        KubeStashValidation.Accept(session, session.Describe());
        var statusFile = parse.GetValue(flags.StatusFile);
        IComponentStatusStore status = statusFile is null
            ? new InMemoryComponentStatus(session.Status)
            : new ComponentStatusFile(statusFile, session.Status is null ? null : JsonSerializer.SerializeToNode(session.Status, KubeStashJsonContext.Default.RestoreSessionStatus) as System.Text.Json.Nodes.JsonObject);
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
    /// The KubeStash RestoreSession named by <c>--restoresession</c> through the API, or null when
    /// there is none of that name or the executor may not read KubeStash objects (a Stash session then). Status goes to its <c>/status</c> by merge patch.
    /// </summary>
    public static async Task<Wiring?> ClusterAsync(RestoreFlags flags, ParseResult parse, CliHost host, SecretMasker masker, ILogger log, CancellationToken cancellationToken)
    {
        var name = parse.GetValue(flags.RestoreSession);
        if (string.IsNullOrWhiteSpace(name))
            return null;
        var request = new KubernetesConfigRequest(host.Environment, parse.GetValue(flags.Kubeconfig), parse.GetValue(flags.Master));
        var client = KubernetesClient.Create(request, KubernetesRetryOptions.Default, masker, host.Clock, log);
        try
        {
            var @namespace = parse.GetValue(flags.Namespace) ?? host.Environment.GetValueOrDefault("POD_NAMESPACE") ?? client.Configuration.Namespace;
            if (string.IsNullOrWhiteSpace(@namespace))
                throw new InvalidInputException($"no namespace for RestoreSession {name}: pass --namespace (POD_NAMESPACE is unset and the credentials name none)");
            var source = new KubeStashApiObjects(client.Api);
            RestoreSession session;
            try
            {
                session = await source.GetRestoreSessionAsync(@namespace, name.Trim(), cancellationToken);
            }
            catch (DependencyUnavailableException e) when (KubernetesApiException.StatusCodeOf(e) is 404 or 403)
            {
                client.Dispose();
                return null;
            }
            return new Wiring
            {
                Source = source,
                Session = session,
                Status = new KubernetesComponentStatus(client.Api, @namespace, name.Trim()),
                // Events are logged: the transport's event recorder is still typed to Stash sessions.
                Events = new LoggedEventRecorder(log),
                Claims = new UncontendedClaims(),
                Connection = client,
            };
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static async Task<int> RunAsync(CliHost host, RestoreFlags flags, ParseResult parse, Wiring wiring, ResticRestore restic, RestoreSettings settings,
        SecretMasker masker, ILogger log, CancellationToken cancellationToken)
    {
        var session = wiring.Session;
        log = log.ForSession(session.Metadata.Namespace, session.Metadata.Name);
        settings = ScratchFor(settings, flags, parse);
        var inputs = await KubeStashInputs.LoadAsync(wiring.Source, session, parse.GetValue(flags.Snapshot), log, cancellationToken);
        var request = new ComponentRequest(parse.GetValue(flags.Component), parse.GetValue(flags.Include), parse.GetValue(flags.Exclude), host.Environment);
        if (parse.GetValue(flags.DryRun))
        {
            var plan = await new KubeStashDryRun(restic, settings, masker, host.Clock).PlanAsync(inputs, request, cancellationToken);
            var text = parse.GetValue(flags.Output) == "json"
                ? JsonSerializer.Serialize(plan, KubeStashJsonContext.Default.ComponentPlanReport)
                : plan.Render();
            await host.Output.WriteLineAsync(text.TrimEnd());
            return ExitCodes.Success;
        }
        var hooks = new HookExecutor(host.ProcessRunner, null, masker, log, host.Clock, new HookExecutorOptions());
        var parts = new KubeStashRestoreParts(restic, hooks, wiring.Status, wiring.Events, wiring.Claims, null, masker, log, host.Clock);
        var outcome = await new KubeStashComponentRestore(parts, settings, host.Interruption).RestoreAsync(inputs, request, cancellationToken);
        await wiring.FinishAsync(host.Output);
        return outcome.ExitCode;
    }

    /// <summary>Without --scratch-dir KubeStash pods use /kubestash-tmp (when it exists).</summary>
    private static RestoreSettings ScratchFor(RestoreSettings settings, RestoreFlags flags, ParseResult parse) =>
        parse.GetValue(flags.ScratchDir) is null && Directory.Exists(KubeStashScratchDirectory) && !Directory.Exists("/stash-tmp")
            ? settings with { ScratchDirectory = KubeStashScratchDirectory }
            : settings;

    private static string DefaultNamespace(RestoreFlags flags, ParseResult parse, CliHost host) =>
        parse.GetValue(flags.Namespace) ?? host.Environment.GetValueOrDefault("POD_NAMESPACE") ?? "default";
}
