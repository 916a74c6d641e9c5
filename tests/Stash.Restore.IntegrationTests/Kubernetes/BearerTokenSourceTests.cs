using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>Where the bearer token comes from: a token file re-read when it changes, a kubeconfig exec plugin run as a plugin, each token registered for masking.</summary>
public sealed class BearerTokenSourceTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;

    public BearerTokenSourceTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    [RequiresCrdsFact]
    public async Task A_rotated_token_file_is_used_for_the_next_request()
    {
        _cluster.SeedRestoreSession("rotation");
        var first = _cluster.Server.AddToken("sa-first", new AccessRule("*", "*", "*"));
        var second = _cluster.Server.AddToken("sa-second", new AccessRule("*", "*", "*"));
        var tokenFile = Path.Combine(_cluster.Directory, $"token-{Guid.NewGuid():N}");
        File.WriteAllText(tokenFile, first);
        var configuration = _cluster.LoadConfiguration() with { Token = BearerTokenSource.FromFile(tokenFile, TimeProvider.System) };
        var api = _cluster.CreateApi(configuration);

        await api.GetRestoreSessionAsync("demo", "rotation", CancellationToken.None);
        File.WriteAllText(tokenFile, second);
        File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddSeconds(5));
        await api.GetRestoreSessionAsync("demo", "rotation", CancellationToken.None);

        var users = _cluster.Server.Requests.Where(r => r.PathAndQuery.EndsWith("/rotation", StringComparison.Ordinal) && r.Method == "GET").Select(r => r.User).ToList();
        Assert.Equal(["sa-first", "sa-second"], users);
    }

    [RequiresCrdsFact]
    public async Task A_kubeconfig_exec_plugin_supplies_the_token_which_is_registered_for_masking()
    {
        _cluster.SeedRestoreSession("exec-plugin");
        var token = _cluster.Server.AddToken("system:serviceaccount:demo:from-plugin", new AccessRule("*", "*", "*"));
        var plugin = Path.Combine(_cluster.Directory, $"plugin-{Guid.NewGuid():N}.sh");
        var calls = plugin + ".calls";
        // An EKS/GKE-style plugin: prints an ExecCredential; the environment it got shows it ran as a plugin.
        File.WriteAllText(plugin, $$$"""
            #!/bin/sh
            echo "$1 $PLUGIN_MODE ${KUBERNETES_EXEC_INFO:+exec-info}" >> '{{{calls}}}'
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' '{{{token}}}'
            """);
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var kubeconfig = _cluster.KubeconfigWithUser($"""
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {plugin}
                  args: ["get-token"]
                  env:
                  - name: PLUGIN_MODE
                    value: eks
            """);
        var masker = new SecretMasker();

        using var client = KubernetesClient.Create(
            new KubernetesConfigRequest(new Dictionary<string, string>(), KubeconfigPath: kubeconfig), KubeTestCluster.FastRetries, masker, TimeProvider.System, _cluster.Log.Logger);
        var session = await client.Api.GetRestoreSessionAsync("demo", "exec-plugin", CancellationToken.None);

        Assert.Equal("exec-plugin", session.Metadata.Name);
        Assert.Contains(_cluster.Server.Requests, r => r.User == "system:serviceaccount:demo:from-plugin" && r.PathAndQuery.EndsWith("/exec-plugin", StringComparison.Ordinal));
        Assert.Equal("get-token eks exec-info", File.ReadAllLines(calls)[0]);
        Assert.Equal("token *** end", masker.Apply($"token {token} end"));
    }
}
