using System.CommandLine;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// <c>restore-pvc</c>: the first container of Stash's stand-alone PVC restore Job (Function
/// <c>pvc-restore</c>), with the Function's exact arguments (SPEC §15).
/// </summary>
internal static class RestorePvcCommand
{
    public static Command Create(CliHost host)
    {
        var flags = new StashJobFlags();
        var command = new Command("restore-pvc",
            """
            Restore a stand-alone PVC's data as the first container of Stash's restore Job (Function pvc-restore):
            restic restore of each --restore-paths entry (the latest snapshot of the source host) or --snapshots entry
            into the PVC's mount, then the host's outcome to <output-dir>/output.json for update-status.

            Exit codes: 0 restored, nothing to do, or (with --output-dir) a failure handed on in output.json;
            1 restore failed; 2 invalid input; 3 dependency missing or unreachable; 130/143 interrupted by SIGINT/SIGTERM.

            Example (the Function's arguments):
              stash-restore restore-pvc --provider=s3 --bucket=stash-backup --endpoint=https://minio.storage:9000 --insecure-tls=false \
                  --region= --path=pvc/demo --enable-cache=true --max-connections=0 --hostname= --restore-paths=/stash-data \
                  --include= --exclude= --args= --snapshots= --output-dir=/stash-tmp/output --invoker-kind=RestoreSession \
                  --invoker-name=pvc-restore --storage-secret-name=minio-secret --storage-secret-namespace=demo \
                  --target-kind=PersistentVolumeClaim --target-name=data --target-namespace=demo --scratch-dir=/stash-tmp
            """);
        var shared = flags.Shared;
        flags.AddTo(command, [
            .. flags.SessionFlags, .. flags.BackendFlags,
            flags.Hostname, flags.RestorePaths, flags.Snapshots, flags.Include, flags.Exclude, flags.Args, flags.OutputDir,
            shared.SecretDir, shared.ScratchDir, shared.TargetDir, shared.RepositoryTimeout, shared.StallTimeout, shared.SkipSpaceCheck, shared.Verify, shared.FailOnMetadataErrors,
        ]);
        command.SetAction((parse, cancellationToken) =>
            CommandRun.RunAsync(host, flags.Bind(parse), run => RestoreAsync(run, flags.BindPvcRestore(parse), cancellationToken), liveProgress: true));
        return command;
    }

    private static async Task<int> RestoreAsync(CommandRun run, PvcRestoreArguments arguments, CancellationToken cancellationToken)
    {
        var (host, options, masker) = (run.Host, run.Options, run.Masker);
        // NICE_ADJUSTMENT/IONICE_* and the scratch directory as restore takes them; a bad one is invalid input before anything is read.
        var settings = RestoreSettingsChoice.From(
            options, StashScratchDirectory.Choose(options, host.Environment, Directory.Exists), host.Environment, host.Cgroups?.Read());
        var pod = PodIdentity.FromEnvironment(host.Environment, host.OsHostName);
        using var cluster = run.Connect();
        // No --namespace in the Function: POD_NAMESPACE, then the service account's.
        var selector = StashSessionChoice.Select(options, host.Environment, cluster.Configuration.Namespace);
        var objects = new StashApiObjects(cluster.Api);
        var session = await StashInputs.LoadSessionAsync(objects, selector, cancellationToken);
        run.Log = run.Log.ForSession(selector.Namespace, selector.Name);

        var secretNamespace = StashPvcRestore.SecretNamespace(session, arguments);
        var restore = new StashPvcRestore(new ResticRestore(host.ProcessRunner, host.Clock, host.Environment, masker), masker, run.Log, host.Clock, settings,
            host.Interruption, host.Random, run.LiveProgress);
        var outcome = await restore.RestoreAsync(session, arguments, pod,
            token => StashBackendSecret.ReadAsync(objects, options.SecretDir, secretNamespace, arguments.StorageSecretName, "--storage-secret-name", masker, token),
            cancellationToken);
        return outcome.ExitCode;
    }
}
