using System.CommandLine;
using Stash.Restore.Core;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// <c>run-hook</c>: the preRestore/postRestore containers Stash adds to a Job-model restore
/// (<c>pre-task-hook</c>, <c>post-task-hook</c>), with their exact arguments (SPEC §15).
/// </summary>
internal static class RunHookCommand
{
    /// <summary>The containers Stash names for the hooks: an exec hook naming its own runs here.</summary>
    private static readonly Dictionary<HookStage, string> HookContainers = new()
    {
        [HookStage.PreRestore] = "pre-task-hook",
        [HookStage.PostRestore] = "post-task-hook",
    };

    public static Command Create(CliHost host)
    {
        var flags = new StashJobFlags();
        var command = new Command("run-hook",
            """
            Run a Job-model RestoreSession's preRestore or postRestore hook as Stash's run-hook container does, with the hooks'
            usual rules: templates, executionPolicy (postRestore reads the restore's outcome from <output-dir>/output.json,
            else the session's status), the result in the session's conditions; a failed hook fails the host's entry.

            Exit codes: 0 the hook succeeded, was skipped by its policy or there is none (and, for postRestore, the restore
            succeeded); 1 the hook failed, or (postRestore, the Job's last container) the restore had failed; 2 invalid input;
            3 dependency missing or unreachable; 130/143 interrupted by SIGINT/SIGTERM.

            Example (the container's arguments):
              stash-restore run-hook --backupsession= --invoker-kind=RestoreSession --invoker-name=pvc-restore \
                  --target-kind=PersistentVolumeClaim --target-namespace=demo --target-name=data --hook-type=postRestore \
                  --hostname= --output-dir=/stash-tmp/output --metrics-enabled=true \
                  --metrics-pushgateway-url=http://stash-operator.kube-system.svc:56789
            """);
        var shared = flags.Shared;
        flags.AddTo(command, [.. flags.SessionFlags, .. flags.MetricsFlags, flags.BackupSession, flags.HookType, flags.Hostname, flags.OutputDir, shared.HookTimeout, shared.OwnContainer]);
        command.SetAction((parse, cancellationToken) => CommandRun.RunAsync(host, flags.Bind(parse), run =>
        {
            var stage = Stage(parse.GetValue(flags.HookType), parse.GetValue(flags.BackupSession));
            // The hook's own container is the one Stash names for it, unless --own-container says otherwise.
            var ownContainer = parse.GetResult(shared.OwnContainer) is null ? HookContainers[stage] : run.Options.OwnContainer;
            return RunAsync(run, stage, ownContainer, parse.GetValue(flags.Hostname), StashJobFlags.Value(parse.GetValue(flags.OutputDir)), flags.BindMetricsLabels(parse), cancellationToken);
        }));
        return command;
    }

    /// <exception cref="InvalidInputException">Not a restore hook.</exception>
    private static HookStage Stage(string? hookType, string? backupSession)
    {
        if (!string.IsNullOrWhiteSpace(backupSession))
            throw new InvalidInputException($"--backupsession={backupSession}: stash-restore runs restore hooks only; backup hooks are Stash's own image's");
        return hookType?.Trim() switch
        {
            "preRestore" => HookStage.PreRestore,
            "postRestore" => HookStage.PostRestore,
            null or "" => throw new InvalidInputException("--hook-type is required: preRestore or postRestore"),
            var other => throw new InvalidInputException($"--hook-type \"{other}\" is not preRestore or postRestore (backup hooks are Stash's own image's)"),
        };
    }

    private static async Task<int> RunAsync(CommandRun run, HookStage stage, string ownContainer, string? hostname, string? outputDirectory, IReadOnlyList<string> metricsLabels, CancellationToken cancellationToken)
    {
        var (host, options, masker) = (run.Host, run.Options, run.Masker);
        var pod = PodIdentity.FromEnvironment(host.Environment, host.OsHostName);
        using var cluster = run.Connect();
        // No --namespace in the container's arguments: POD_NAMESPACE, then the service account's.
        var selector = StashSessionChoice.Select(options, host.Environment, cluster.Configuration.Namespace);
        var session = await StashInputs.LoadSessionAsync(new StashApiObjects(cluster.Api), selector, cancellationToken);
        var log = run.Log = run.Log.ForSession(selector.Namespace, selector.Name);
        var hostName = JobHost.Resolve(session.Spec.Target, pod, hostname);

        var status = new KubernetesHostStatus(cluster.Api, selector.Namespace, selector.Name, cluster.RetryOptions, host.Clock, log, host.Random);
        var outcome = stage == HookStage.PostRestore ? await RestoreOutcomeAsync(outputDirectory, status, hostName, cancellationToken) : null;

        var podName = pod.PodName ?? host.OsHostName ?? "stash-restore";
        var podExec = new OwnPodExec(cluster.PodExec, pod.PodNamespace ?? selector.Namespace, podName);
        var ownPod = await StashOwnPod.ReadAsync(cluster.Api, pod, session, log, cancellationToken);
        var hooks = new HookExecutor(host.ProcessRunner, podExec, masker, log, host.Clock, StashHookOptions.From(options with { OwnContainer = ownContainer }, ownPod, host.Environment.GetValueOrDefault("POD_IP")));
        var events = cluster.EventRecorder(StashObjects.EventTarget(session), pod.PodName, log);
        using var http = new HttpClient();
        var metrics = RestoreCommand.MetricsPublisher(run, http, UpdateStatusCommand.Labels(run, session, options.InvokerKind, metricsLabels));
        return await new StashJobHook(hooks, status, events, metrics, masker, log, host.Clock, host.Interruption)
            .RunAsync(session, new JobHookRequest(stage, hostName, outcome), cancellationToken);
    }

    /// <summary>
    /// How the host's restore ended: its entry in <c>output.json</c>, as restore-pvc wrote it; else its
    /// entry in the session's status, as update-status recorded it.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">Neither holds the host.</exception>
    private static async Task<HookOutcome> RestoreOutcomeAsync(string? outputDirectory, IHostStatusStore status, string hostName, CancellationToken cancellationToken)
    {
        var fromFile = outputDirectory is not null && File.Exists(RestoreOutputFile.PathIn(outputDirectory))
            ? RestoreOutputFile.Read(outputDirectory).TargetStatus.Stats?.Find(s => s.Hostname == hostName)
            : null;
        var entry = fromFile ?? await status.GetAsync(hostName, cancellationToken)
            ?? throw new DependencyUnavailableException(
                $"no outcome of host \"{hostName}\" for the postRestore hook: {(outputDirectory is null ? "no --output-dir" : RestoreOutputFile.PathIn(outputDirectory) + " does not hold it")}, and the RestoreSession's status has no entry for it");
        return new HookOutcome(entry.Phase ?? UnitPhase.Unknown, entry.Duration, entry.Error);
    }
}
