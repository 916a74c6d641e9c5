using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>The typed client against the test API server over real HTTPS, configured from a kubeconfig.</summary>
public sealed class KubernetesApiTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;

    public KubernetesApiTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    [RequiresCrdsFact]
    public async Task Gets_a_RestoreSession_and_normalises_legacy_rules()
    {
        _cluster.SeedRestoreSession("legacy", legacyRules: true);
        var api = _cluster.CreateApi();

        var session = await api.GetRestoreSessionAsync(KubeTestCluster.Namespace, "legacy", CancellationToken.None);

        Assert.Equal("legacy", session.Metadata.Name);
        Assert.False(string.IsNullOrEmpty(session.Metadata.Uid));
        Assert.Null(session.Spec.Rules);
        Assert.Equal(["/data"], Assert.Single(session.Spec.Target!.Rules!).Paths!);
        Assert.Contains(_cluster.Server.Requests, r => r is { Method: "GET", StatusCode: 200 } && r.PathAndQuery == "/apis/stash.appscode.com/v1beta1/namespaces/demo/restoresessions/legacy");
    }

    [RequiresCrdsFact]
    public async Task Status_put_and_patch_change_only_status_and_a_stale_put_is_a_conflict()
    {
        _cluster.SeedRestoreSession("put-patch");
        var api = _cluster.CreateApi();

        var read = await api.GetStatusAsync(StashApi.RestoreSessions, "demo", "put-patch", CancellationToken.None);
        var edited = read.DeepClone().AsObject();
        edited["status"] = new JsonObject { ["stats"] = new JsonArray(new JsonObject { ["hostname"] = "host-0", ["phase"] = "Running" }) };
        edited["spec"]!["repository"]!["name"] = "changed-through-status";
        var put = await api.ReplaceStatusAsync(StashApi.RestoreSessions, "demo", "put-patch", edited, CancellationToken.None);
        var patched = await api.JsonPatchStatusAsync(StashApi.RestoreSessions, "demo", "put-patch",
            [new JsonObject { ["op"] = "replace", ["path"] = "/status/stats/0/phase", ["value"] = "Succeeded" }], CancellationToken.None);
        var stale = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.ReplaceStatusAsync(StashApi.RestoreSessions, "demo", "put-patch", edited, CancellationToken.None));

        Assert.NotEqual(read["metadata"]!["resourceVersion"]!.GetValue<string>(), put["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("""[{"hostname":"host-0","phase":"Succeeded"}]""", patched["status"]!["stats"]!.ToJsonString());
        Assert.Equal("gcs-repo", _cluster.StoredSession("put-patch")["spec"]!["repository"]!["name"]!.GetValue<string>());
        Assert.Equal(409, KubernetesApiException.StatusCodeOf(stale));
        Assert.Contains("the object has been modified", stale.Message);
    }

    [RequiresCrdsFact]
    public async Task A_merge_patch_on_status_replaces_the_named_field_and_is_sent_as_merge_patch()
    {
        _cluster.SeedRestoreSession("merge", status: """{"stats":[{"hostname":"host-0","phase":"Succeeded"}]}""");
        var api = _cluster.CreateApi();

        var patched = await api.MergePatchStatusAsync(StashApi.RestoreSessions, "demo", "merge",
            new JsonObject { ["status"] = new JsonObject { ["stats"] = new JsonArray(new JsonObject { ["hostname"] = "host-1", ["phase"] = "Running" }) } },
            CancellationToken.None);

        var stored = _cluster.StoredSession("merge");
        Assert.Equal("""[{"hostname":"host-1","phase":"Running"}]""", stored["status"]!["stats"]!.ToJsonString());
        Assert.Equal(stored["status"]!.ToJsonString(), patched["status"]!.ToJsonString());
        Assert.Equal("gcs-repo", (string?)stored["spec"]!["repository"]!["name"]);
        Assert.Contains(_cluster.Server.Requests, r => r is { Method: "PATCH", StatusCode: 200 }
            && r.PathAndQuery == "/apis/stash.appscode.com/v1beta1/namespaces/demo/restoresessions/merge/status"
            && r.ContentType!.StartsWith("application/merge-patch+json", StringComparison.Ordinal));
    }

    [RequiresCrdsFact]
    public async Task Missing_objects_are_a_missing_dependency_with_a_one_line_message_naming_them()
    {
        var api = _cluster.CreateApi();

        var session = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "nope", CancellationToken.None));
        var repository = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRepositoryAsync("demo", "no-repo", CancellationToken.None));
        var secret = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetSecretDataAsync("demo", "no-secret", CancellationToken.None));

        Assert.Equal("restoresessions.stash.appscode.com \"nope\" not found in namespace \"demo\"", session.Message);
        Assert.Equal("repositories.stash.appscode.com \"no-repo\" not found in namespace \"demo\"", repository.Message);
        Assert.Equal("secrets \"no-secret\" not found in namespace \"demo\"", secret.Message);
        Assert.Equal(ExitCodes.DependencyUnavailable, session.ExitCode);
    }

    [RequiresCrdsFact]
    public async Task Gets_a_Repository_and_a_Secret_decoded_with_values_registered_for_masking()
    {
        _cluster.Server.Put("""
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {name: gcs-repo, namespace: demo}
            spec:
              backend:
                storageSecretName: gcs-secret
                gcs: {bucket: stash-backup, prefix: demo}
            """);
        _cluster.Server.Put("""
            apiVersion: v1
            kind: Secret
            metadata: {name: gcs-secret, namespace: demo}
            data:
              RESTIC_PASSWORD: cmVzdGljLXBhc3N3b3JkLTEyMw==
              GOOGLE_PROJECT_ID: cHJvamVjdC0x
            """);
        var masker = new SecretMasker();
        var api = _cluster.CreateApi(masker: masker);

        var repository = await api.GetRepositoryAsync("demo", "gcs-repo", CancellationToken.None);
        var secret = await api.GetSecretDataAsync("demo", "gcs-secret", CancellationToken.None);

        Assert.Equal("stash-backup", repository.Spec.Backend!.Gcs!.Bucket);
        Assert.Equal("restic-password-123", secret["RESTIC_PASSWORD"]);
        Assert.Equal("project-1", secret["GOOGLE_PROJECT_ID"]);
        Assert.Equal("pw is ***", masker.Apply("pw is restic-password-123"));
    }

    [Fact]
    public async Task Gets_a_Pod_with_ip_containers_and_named_ports()
    {
        var pod = _cluster.Server.Put("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app-0, namespace: demo}
            spec:
              containers:
              - name: app
                image: nginx
                ports:
                - {name: http, containerPort: 8080}
              - name: sidecar
                image: busybox
            """);
        pod["status"] = new JsonObject { ["podIP"] = "10.244.1.7", ["phase"] = "Running" };
        _cluster.Server.Put(pod);
        var api = _cluster.CreateApi();

        var info = await api.GetPodAsync("demo", "app-0", CancellationToken.None);

        Assert.Equal("10.244.1.7", info.PodIP);
        Assert.Equal(["app", "sidecar"], info.Containers.Select(c => c.Name));
        var port = Assert.Single(info.Containers[0].Ports);
        Assert.Equal(("http", 8080), (port.Name, port.ContainerPort));
    }

    [Fact]
    public async Task Rejected_credentials_say_so_and_never_show_the_token()
    {
        const string badToken = "not-a-valid-token-0123456789";
        var api = _cluster.CreateApi(token: badToken);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "any", CancellationToken.None));

        Assert.Contains("rejected the credentials (401 Unauthorized) when trying to get restoresessions.stash.appscode.com \"any\" in namespace \"demo\"", error.Message);
        Assert.DoesNotContain(badToken, error.ToString());
    }

    [RequiresCrdsFact]
    public async Task A_missing_permission_names_the_verb_resource_and_namespace()
    {
        _cluster.SeedRestoreSession("forbidden-status");
        var token = _cluster.Server.AddToken("system:serviceaccount:demo:restricted",
            new AccessRule("get", "stash.appscode.com", "restoresessions", "demo"),
            new AccessRule("get", "stash.appscode.com", "restoresessions/status", "demo"));
        var api = _cluster.CreateApi(token);
        var store = new KubernetesHostStatus(api, "demo", "forbidden-status", KubeTestCluster.FastRetries, TimeProvider.System, _cluster.Log.Logger);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            store.UpsertAsync(new() { Hostname = "host-0", Phase = "Running" }, CancellationToken.None));

        Assert.StartsWith("permission missing: ", error.Message);
        Assert.Contains("User \"system:serviceaccount:demo:restricted\" cannot patch resource \"restoresessions/status\" in API group \"stash.appscode.com\" in the namespace \"demo\"", error.Message);
        Assert.DoesNotContain(token, error.ToString());
        Assert.Equal(1, store.LastWriteAttempts); // a 403 is not retried
    }

    [Fact]
    public async Task An_unreachable_server_is_a_missing_dependency()
    {
        var configuration = _cluster.LoadConfiguration() with { Server = new Uri("https://127.0.0.1:1") };
        var api = _cluster.CreateApi(configuration, KubeTestCluster.FastRetries with { MaxRetries = 2, TotalTimeout = TimeSpan.FromSeconds(5) });

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "x", CancellationToken.None));

        Assert.StartsWith("cannot reach the API server https://127.0.0.1:1/ to get restoresessions.stash.appscode.com \"x\" in namespace \"demo\"", error.Message);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
