using System.CommandLine;
using Stash.Restore.Core;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Metrics;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// <c>update-status</c>: the container of Stash's restore Job after <c>restore-pvc</c> (Function
/// <c>update-status</c>), with the Function's exact arguments (SPEC §15).
/// </summary>
internal static class UpdateStatusCommand
{
    public static Command Create(CliHost host)
    {
        var flags = new StashJobFlags();
        var command = new Command("update-status",
            """
            Record the restore Job's outcome: each host entry of <output-dir>/output.json upserted into the RestoreSession's
            status.stats[], an Event per host, and the host metrics pushed (POST) with --metrics-enabled.
            The backend flags are accepted as Stash's Function passes them and not needed.

            Exit codes: 0 recorded, every host restored (or a host failed and a postRestore hook container follows, which
            then reports it); 1 recorded, a host failed; 2 invalid input (output.json malformed); 3 output.json missing,
            or the API unreachable or refusing.

            Example (the Function's arguments):
              stash-restore update-status --provider=s3 --bucket=stash-backup --endpoint=https://minio.storage:9000 \
                  --insecure-tls=false --region= --path=pvc/demo --enable-cache=true --max-connections=0 --namespace=demo \
                  --backupsession= --storage-secret-name=minio-secret --storage-secret-namespace=demo \
                  --invoker-kind=RestoreSession --invoker-name=pvc-restore --target-kind=PersistentVolumeClaim \
                  --target-name=data --target-namespace=demo --output-dir=/stash-tmp/output --metrics-enabled=true \
                  --scratch-dir=/stash-tmp --metrics-pushgateway-url=http://stash-operator.kube-system.svc:56789
            """);
        flags.AddTo(command, [.. flags.SessionFlags, .. flags.BackendFlags, .. flags.MetricsFlags, flags.BackupSession, flags.OutputDir, flags.Shared.ScratchDir]);
        command.SetAction((parse, cancellationToken) => CommandRun.RunAsync(host, flags.Bind(parse), run => UpdateAsync(
            run, StashJobFlags.Value(parse.GetValue(flags.OutputDir)), parse.GetValue(flags.BackupSession), flags.BindMetricsLabels(parse), cancellationToken)));
        return command;
    }

    private static async Task<int> UpdateAsync(CommandRun run, string? outputDirectory, string? backupSession, IReadOnlyList<string> metricsLabels, CancellationToken cancellationToken)
    {
        var (host, options) = (run.Host, run.Options);
        if (!string.IsNullOrWhiteSpace(backupSession))
            throw new InvalidInputException($"--backupsession={backupSession}: stash-restore records restores only; a BackupSession is Stash's own image's");
        if (outputDirectory is null)
            throw new InvalidInputException("--output-dir is required: the directory of the output.json restore-pvc wrote");
        // The file first: without it there is nothing to record, whatever the API says.
        var output = RestoreOutputFile.Read(outputDirectory);

        using var cluster = run.Connect();
        var selector = StashSessionChoice.Select(options, host.Environment, cluster.Configuration.Namespace);
        var session = await StashInputs.LoadSessionAsync(new StashApiObjects(cluster.Api), selector, cancellationToken);
        var log = run.Log = run.Log.ForSession(selector.Namespace, selector.Name);

        var status = new KubernetesHostStatus(cluster.Api, selector.Namespace, selector.Name, cluster.RetryOptions, host.Clock, log, host.Random);
        var events = cluster.EventRecorder(StashObjects.EventTarget(session), host.Environment.GetValueOrDefault("POD_NAME"), log);
        using var http = new HttpClient();
        var metrics = RestoreCommand.MetricsPublisher(run, http, Labels(run, session, options.InvokerKind, metricsLabels));
        var outcome = await new StashStatusUpdate(status, events, metrics, log).RecordAsync(output, cancellationToken);
        var hookFollows = session.Spec.Hooks?.PostRestore is not null;
        if (outcome.FailedHosts.Count > 0 && hookFollows)
            log.Information("Exit 0 so that the postRestore hook container runs; it reports the failed restore");
        return outcome.ExitCode(hookFollows);
    }

    /// <summary>The host metrics' labels as <c>restore</c> labels them, with the operator's <c>--metrics-labels</c> after.</summary>
    internal static RestoreMetricsLabels Labels(CommandRun run, RestoreSession session, string? invokerKind, IReadOnlyList<string> metricsLabels)
    {
        var user = RestoreMetricsLabels.ParseUserLabels(metricsLabels, out var rejected);
        foreach (var label in rejected)
            run.Log.Warning("--metrics-labels entry {Label} is left out: not key=value with a Prometheus label name, or it names one of the executor's own labels", label);
        return StashMetricsLabels.From(session, session.Spec.Repository?.Name, invokerKind) with { UserLabels = user };
    }
}
