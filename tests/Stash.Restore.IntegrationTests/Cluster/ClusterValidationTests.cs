using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// A session read through the API (the test API server with the real CRD schemas, which already
/// refuses wrong types) is validated at load like a file: every problem on one line, exit 2, no restic.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class ClusterValidationTests
{
    [RequiresCrdsFact]
    public async Task A_session_from_the_api_with_several_problems_lists_them_all_and_never_starts_restic()
    {
        await using var rig = await ClusterRig.StartAsync();
        rig.Server.Put("""
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"bad-restore","namespace":"NAMESPACE"},
             "spec":{"repository":{"name":"test-repo"},
                     "target":{"ref":{"apiVersion":"apps/v1","kind":"Deployment","name":"app"},
                               "rules":[{"paths":["relative/path"]},{"snapshots":["abc12345"]}]},
                     "hooks":{"preRestore":{"containerName":"stash-init"}}}}
            """.Replace("NAMESPACE", ClusterRig.Namespace, StringComparison.Ordinal));

        var result = await rig.RestoreAsync("app-1", Path.Combine(rig.Repository.Root, "restored-bad"), session: "bad-restore");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n'), l => l.Contains("is invalid"));
        Assert.Contains("RestoreSession demo/bad-restore is invalid: ", line);
        Assert.Contains("spec.target.rules[0].paths[0]: \"relative/path\" is not an absolute path; ", line);
        Assert.Contains("spec.target.rules[1]: a second rule with empty targetHosts", line);
        Assert.Contains("; spec.hooks.preRestore: ", line);
        Assert.Equal(0, rig.ResticRestoreCalls);
        Assert.Empty(rig.Stats("bad-restore"));
    }
}
