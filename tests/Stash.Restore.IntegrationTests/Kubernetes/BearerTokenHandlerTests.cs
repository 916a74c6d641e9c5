using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>The bearer token on each request: after a 401 the token file is re-read and the request tried once more, so a token rotated in place (no new mtime) is picked up.</summary>
public sealed class BearerTokenHandlerTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;

    public BearerTokenHandlerTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    [RequiresCrdsFact]
    public async Task A_token_rotated_without_a_new_mtime_is_picked_up_after_a_401()
    {
        _cluster.SeedRestoreSession("rotation-401");
        var good = _cluster.Server.AddToken("sa-good", new AccessRule("*", "*", "*"));
        var tokenFile = Path.Combine(_cluster.Directory, $"token-{Guid.NewGuid():N}");
        File.WriteAllText(tokenFile, "expired-token-value-000");
        var configuration = _cluster.LoadConfiguration() with { Token = BearerTokenSource.FromFile(tokenFile, TimeProvider.System) };
        _ = configuration.Token!.GetToken();
        var mtime = File.GetLastWriteTimeUtc(tokenFile);
        File.WriteAllText(tokenFile, good);
        File.SetLastWriteTimeUtc(tokenFile, mtime);
        var api = _cluster.CreateApi(configuration);

        var session = await api.GetRestoreSessionAsync("demo", "rotation-401", CancellationToken.None);

        Assert.Equal("rotation-401", session.Metadata.Name);
    }

    [RequiresCrdsFact]
    public async Task A_kubeconfig_token_file_is_used_and_a_rotation_is_picked_up_after_a_401()
    {
        _cluster.SeedRestoreSession("token-file");
        var current = _cluster.Server.AddToken("sa-file-current", new AccessRule("*", "*", "*"));
        var tokenName = $"token-{Guid.NewGuid():N}";
        var tokenPath = Path.Combine(_cluster.Directory, tokenName);
        File.WriteAllText(tokenPath, "expired-projected-token-000\n");
        var kubeconfig = _cluster.KubeconfigWithUser($"    tokenFile: {tokenName}"); // relative to the kubeconfig
        using var client = KubernetesClient.Create(
            new KubernetesConfigRequest(new Dictionary<string, string>(), KubeconfigPath: kubeconfig), KubeTestCluster.FastRetries, null, TimeProvider.System, _cluster.Log.Logger);
        // Rotated in place after it was read, without a new mtime: only the server's 401 can reveal it.
        var mtime = File.GetLastWriteTimeUtc(tokenPath);
        File.WriteAllText(tokenPath, current + "\n");
        File.SetLastWriteTimeUtc(tokenPath, mtime);
        _cluster.Server.ClearRequests();

        var session = await client.Api.GetRestoreSessionAsync("demo", "token-file", CancellationToken.None);

        Assert.Equal("token-file", session.Metadata.Name);
        var answers = _cluster.Server.Requests.Where(r => r.PathAndQuery.EndsWith("/token-file", StringComparison.Ordinal)).Select(r => (r.StatusCode, r.User)).ToList();
        Assert.Equal([(401, null), (200, "sa-file-current")], answers);
    }
}
