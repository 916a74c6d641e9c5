using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// <c>update-status</c> given no or a malformed <c>output.json</c>: one line, and nothing recorded.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class StashStatusUpdateTests(RestoreJobCluster jobs) : IClassFixture<RestoreJobCluster>
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
}
