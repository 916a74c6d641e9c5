using System.CommandLine;
using System.Text.Json;
using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Metrics;
using Stash.Restore.Core.Platform;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core;

namespace Stash.Restore.Cli.Commands;

internal static class RestoreCommand
{
    public static Command Create(CliHost host)
    {
        var flags = new RestoreFlags();
        var command = new Command("restore",
            """
            Restore this host's data for a RestoreSession: resolve the host and its rule, run the preRestore hook,
            restic restore, the postRestore hook, and record the host's entry in RestoreSession.status.

            Exit codes: 0 restored or nothing to do; 1 restore failed; 2 invalid input; 3 dependency missing or
            unreachable; 130/143 interrupted by SIGINT/SIGTERM.

            Examples:
              stash-restore restore --restoresession sts-restore --namespace demo
              stash-restore restore --restoresession-file rs.yaml --repository-file repo.yaml --secret-dir ./secret \
                  --host host-1 --target-dir /tmp/restored --status-file status.json
              stash-restore restore --restoresession-file rs.yaml --repository-file repo.yaml --secret-dir ./secret --dry-run -o json
            """);
        flags.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(host, flags.Bind(parseResult), cancellationToken));
        return command;
    }

    // A dry run shows no progress: it never builds the live view.
    private static Task<int> RunAsync(CliHost host, RestoreOptions options, CancellationToken cancellationToken) =>
        CommandRun.RunAsync(host, options, run => RestoreAsync(run, cancellationToken), liveProgress: !options.DryRun);

    private static async Task<int> RestoreAsync(CommandRun run, CancellationToken cancellationToken)
    {
        var (host, options) = (run.Host, run.Options);
        var offline = options.RestoreSessionFile is not null || options.Objects.Count > 0;
        // In a cluster one client serves the whole run, whichever family the session is.
        using var cluster = offline ? null : run.Connect();
        var objects = options.Objects.Count == 0 ? null : ObjectSet.Read(options.Objects, SessionNamespace.Offline(options, host.Environment));
        var family = await RestoreFamilyChoice.ChooseAsync(options, objects, cluster, host.Environment, cancellationToken);
        run.Log.Debug("Restoring for {Family} (decided by {DecidedBy:l})", family.Family, family.DecidedBy);
        var restic = new ResticRestore(host.ProcessRunner, host.Clock, host.Environment, run.Masker);
        return family.Family == RestoreFamily.KubeStash
            ? await KubeStashRestoreCommand.RunAsync(run, family, objects, cluster, restic, cancellationToken)
            : await StashRestoreAsync(run, objects, cluster, restic, cancellationToken);
    }

    private static async Task<int> StashRestoreAsync(CommandRun run, ObjectSet? objects, KubernetesClient? cluster, ResticRestore restic, CancellationToken cancellationToken)
    {
        var (host, options, masker) = (run.Host, run.Options, run.Masker);
        // Settings before the session is read: a bad NICE_ADJUSTMENT is invalid input whatever the session says.
        var settings = RestoreSettingsChoice.From(
            options, StashScratchDirectory.Choose(options, host.Environment, Directory.Exists), host.Environment, host.Cgroups?.Read());
        var pod = PodIdentity.FromEnvironment(host.Environment, host.OsHostName);
        var wiring = cluster is null
            ? await RestoreWiring.OfflineAsync(objects, options, pod, host, masker, run.Log, cancellationToken)
            : await RestoreWiring.ClusterAsync(cluster, options, pod, host, masker, run.Log, cancellationToken);
        var session = wiring.Inputs.Session;
        var log = run.Log = run.Log.ForSession(session.Metadata.Namespace, session.Metadata.Name);
        if (options.Hosts is { } hosts)
        {
            if (!options.DryRun)
                throw new InvalidInputException("--hosts previews several hosts and needs --dry-run");
            return await PrintPreviewAsync(host, options, new StashHostsPreview(restic, settings, masker, host.Clock, log), wiring.Inputs,
                StashHostsPreview.Hosts(hosts, session, options.Replicas), cancellationToken);
        }
        if (options.DryRun)
            return await PrintPlanAsync(host, options, new StashDryRun(restic, settings, masker, host.Clock, log), wiring.Inputs, cancellationToken);

        using var http = new HttpClient();
        var hooks = new HookExecutor(host.ProcessRunner, wiring.PodExec, masker, log, host.Clock, StashHookOptions.From(options, wiring.Pod, wiring.PodIp));
        var metrics = MetricsPublisher(run, http, StashMetricsLabels.From(wiring.Inputs, options.InvokerKind));
        var parts = new RestoreParts<IHostStatusStore>(restic, hooks, wiring.Status, wiring.Events, wiring.Claims, metrics, masker, log, host.Clock) { LiveProgress = run.LiveProgress };
        var outcome = await new StashHostRestore(parts, settings, host.Interruption).RestoreAsync(wiring.Inputs, cancellationToken);
        await wiring.FinishAsync(host.Output);
        return outcome.ExitCode;
    }

    /// <summary>The host metrics' publisher when <c>--metrics-enabled</c> names a Pushgateway, else null.</summary>
    internal static PushgatewayMetricsPublisher? MetricsPublisher(CommandRun run, HttpClient http, RestoreMetricsLabels labels)
    {
        var options = run.Options;
        var pushgateway = PushgatewayDestination.Resolve(
            options.MetricsEnabled, options.PushgatewayUrl, options.PushgatewayCredentialsFile, run.Host.Environment, run.Masker, run.Log);
        return pushgateway is null ? null : new PushgatewayMetricsPublisher(http, pushgateway, labels, run.Log, masker: run.Masker);
    }

    private static async Task<int> PrintPlanAsync(CliHost host, RestoreOptions options, StashDryRun planner, StashInputs inputs, CancellationToken cancellationToken)
    {
        var plan = await planner.PlanAsync(inputs, cancellationToken);
        var text = options.JsonOutput
            ? JsonSerializer.Serialize(plan, StashPlanJsonContext.Default.RestorePlanReport)
            : StashPlanText.Render(plan);
        await host.Output.WriteLineAsync(text.TrimEnd());
        return ExitCodes.Success;
    }

    private static async Task<int> PrintPreviewAsync(
        CliHost host, RestoreOptions options, StashHostsPreview preview, StashInputs inputs, IReadOnlyList<string> hosts, CancellationToken cancellationToken)
    {
        var report = await preview.PreviewAsync(inputs, hosts, cancellationToken);
        var text = options.JsonOutput
            ? JsonSerializer.Serialize(report, StashPlanJsonContext.Default.HostsPreviewReport)
            : StashPlanText.Render(report);
        await host.Output.WriteLineAsync(text.TrimEnd());
        return ExitCodes.Success;
    }
}
