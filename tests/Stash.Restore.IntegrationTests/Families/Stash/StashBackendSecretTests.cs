using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// The backend Secret of a Stash restore (here in its restore Job): read through the API, or from <c>--secret-dir</c> in its stead.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class StashBackendSecretTests(RestoreJobCluster jobs) : IClassFixture<RestoreJobCluster>
{
    /// <summary>The offline touch: the backend Secret mounted as files instead of read through the API.</summary>
    [RequiresCrdsFact]
    public async Task A_secret_dir_stands_in_for_reading_the_backend_secret()
    {
        var rig = jobs.NewJob();
        var secret = rig.Cluster.Repository.CreateDirectory("mounted-secret");
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), rig.Cluster.Repository.Password);
        rig.Cluster.Server.ClearRequests();

        var restore = await rig.RunAsync([.. rig.RestorePvcArguments(secret: ""), "--secret-dir", secret]);

        Assert.True(restore.ExitCode == ExitCodes.Success, restore.ToString());
        TestTree.AssertEqual(rig.Cluster.Original, rig.RestoredData);
        Assert.DoesNotContain(rig.Cluster.Server.Requests, r => r.PathAndQuery.Contains("/secrets", StringComparison.Ordinal));
    }
}
