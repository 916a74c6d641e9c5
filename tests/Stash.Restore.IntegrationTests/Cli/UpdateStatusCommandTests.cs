using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// <c>update-status</c> with the Function's arguments given no or a malformed <c>output.json</c>, a BackupSession
/// or no <c>--output-dir</c>: one line, its exit code, and nothing recorded.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class UpdateStatusCommandTests(RestoreJobCluster jobs) : IClassFixture<RestoreJobCluster>
{
    [RequiresCrdsFact]
    public async Task Update_status_without_output_json_or_with_a_malformed_one_exits_with_one_line_and_records_nothing()
    {
        var rig = jobs.NewJob();
        var missing = await rig.RunAsync(rig.UpdateStatusArguments("http://127.0.0.1:9"));
        Assert.Equal(ExitCodes.DependencyUnavailable, missing.ExitCode);
        Assert.Equal($"restore output {rig.OutputFile} does not exist: the restore (restore-pvc --output-dir={rig.OutputDir}) did not write it",
            RestoreJob.Messages(missing));

        Directory.CreateDirectory(rig.OutputDir);
        File.WriteAllText(rig.OutputFile, """{"targetStatus":{"ref":{},"stats":[{"hostname":"host-0","phase":"Done"}]}}""");
        var malformed = await rig.RunAsync(rig.UpdateStatusArguments("http://127.0.0.1:9"));
        Assert.Equal(ExitCodes.InvalidInput, malformed.ExitCode);
        Assert.StartsWith($"restore output {rig.OutputFile}: targetStatus.stats[0].phase \"Done\" is not one of", RestoreJob.Messages(malformed), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', RestoreJob.Messages(malformed));
        Assert.Empty(rig.Stats());
        Assert.Empty(rig.Events("HostRestoreSucceeded"));
    }

    /// <summary>Stash's backup Job passes a BackupSession: that Function is Stash's own image's, and no restore is recorded for it.</summary>
    [RequiresCrdsTheory]
    [InlineData("--backupsession=nightly-1", "--backupsession=nightly-1: stash-restore records restores only; a BackupSession is Stash's own image's")]
    [InlineData("--output-dir=", "--output-dir is required: the directory of the output.json restore-pvc wrote")]
    public async Task A_backup_session_or_no_output_dir_exits_2_with_one_line_and_records_nothing(string argument, string message)
    {
        var rig = jobs.NewJob();
        Directory.CreateDirectory(rig.OutputDir);
        File.WriteAllText(rig.OutputFile, """{"targetStatus":{"ref":{},"stats":[{"hostname":"host-0","phase":"Succeeded","duration":"1s"}]}}""");
        var name = argument[..(argument.IndexOf('=', StringComparison.Ordinal) + 1)];
        string[] arguments = [.. rig.UpdateStatusArguments("http://127.0.0.1:9").Select(a => a.StartsWith(name, StringComparison.Ordinal) ? argument : a)];

        var update = await rig.RunAsync(arguments);

        Assert.Equal(ExitCodes.InvalidInput, update.ExitCode);
        Assert.Equal(message, RestoreJob.Messages(update));
        Assert.Empty(rig.Stats());
        Assert.Empty(rig.Events("HostRestoreSucceeded"));
    }
}
