using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.IntegrationTests.Kubernetes;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Stash.Restore.TestApiServer;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

/// <summary>
/// A KubeStash RestoreSession's <c>/status</c> read and merge-patched on the test API server (real HTTPS,
/// KubeStash's real CRD schema), and what a service account without the grant is told.
/// </summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class KubernetesComponentStatusTests : IClassFixture<KubeTestCluster>
{
    private const string Namespace = KubeTestCluster.Namespace;
    private readonly KubeTestCluster _cluster;

    public KubernetesComponentStatusTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    private void Seed(string name, string? status = null)
    {
        var session = JsonNode.Parse(KubeStashRestoreSessions.SampleRestoreJson)!.AsObject();
        session["metadata"]!["name"] = name;
        var stored = _cluster.Server.Put(session);
        if (status is not null)
        {
            stored["status"] = JsonNode.Parse(status);
            _cluster.Server.Put(stored);
        }
    }

    private JsonNode? StoredStatus(string name) =>
        _cluster.Server.Get(RestoreSession.ApiVersionV1Alpha1, RestoreSession.KindName, Namespace, name)!["status"];

    [RequiresCrdsFact]
    public async Task Reads_the_operators_status_and_merge_patches_the_components_entry_leaving_the_rest()
    {
        Seed("ks-status", """{"phase":"Running","totalComponents":2,"components":{"dump-pod-0":{"phase":"Succeeded","duration":"4s"}}}""");
        var store = new KubernetesComponentStatus(_cluster.CreateApi(), Namespace, "ks-status");

        var before = await store.ReadAsync(CancellationToken.None);
        await store.PatchAsync(ComponentStatusPatch.Succeeded("dump-pod-1", TimeSpan.FromSeconds(2)), CancellationToken.None);
        var after = await store.ReadAsync(CancellationToken.None);

        Assert.Equal(("Running", 2, "dump-pod-0"), (before!.Phase, before.TotalComponents, string.Join(",", before.Components!.Keys)));
        Assert.Equal(
            """{"phase":"Running","totalComponents":2,"components":{"dump-pod-0":{"phase":"Succeeded","duration":"4s"},"dump-pod-1":{"phase":"Succeeded","duration":"2s"}}}""",
            StoredStatus("ks-status")!.ToJsonString());
        Assert.Equal("Succeeded", after!.Components!["dump-pod-1"].Phase);
        var patch = Assert.Single(_cluster.Server.Requests, r => r.Method == "PATCH" && r.PathAndQuery.EndsWith("/restoresessions/ks-status/status", StringComparison.Ordinal));
        Assert.Equal("application/merge-patch+json", patch.ContentType?.Split(';')[0].Trim());
    }

    [RequiresCrdsFact]
    public async Task A_session_without_status_reads_as_none()
    {
        Seed("ks-no-status");

        Assert.Null(await new KubernetesComponentStatus(_cluster.CreateApi(), Namespace, "ks-no-status").ReadAsync(CancellationToken.None));
    }

    [RequiresCrdsFact]
    public async Task A_service_account_that_may_not_write_the_status_is_told_which_role_grants_it()
    {
        Seed("ks-forbidden");
        var token = _cluster.Server.AddToken($"system:serviceaccount:{Namespace}:ks-reader",
            new AccessRule("get", "core.kubestash.com", "restoresessions", Namespace));
        var store = new KubernetesComponentStatus(_cluster.CreateApi(token), Namespace, "ks-forbidden");

        _ = await store.ReadAsync(CancellationToken.None); // reading is granted: only the write is refused
        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => store.PatchAsync(ComponentStatusPatch.Running("dump-pod-0"), CancellationToken.None));

        Assert.StartsWith("permission missing: ", error.Message);
        Assert.Contains("cannot patch resource \"restoresessions/status\" in API group \"core.kubestash.com\"", error.Message);
        Assert.EndsWith($": {KubernetesComponentStatus.StatusGrantedBy}", error.Message);
        Assert.Null(StoredStatus("ks-forbidden"));
    }

    [RequiresCrdsFact]
    public async Task A_service_account_that_may_not_read_the_session_is_told_which_role_grants_it()
    {
        Seed("ks-unreadable");
        var token = _cluster.Server.AddToken($"system:serviceaccount:{Namespace}:ks-nothing",
            new AccessRule("get", "core.kubestash.com", "backupstorages", Namespace));

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            new KubernetesComponentStatus(_cluster.CreateApi(token), Namespace, "ks-unreadable").ReadAsync(CancellationToken.None));

        Assert.StartsWith("permission missing: ", error.Message);
        Assert.EndsWith($": {KubernetesComponentStatus.StatusGrantedBy}", error.Message);
    }
}
