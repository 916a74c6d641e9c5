using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Stash.Restore.TestApiServer;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>The transport's LIST (paging, label selector) and its merge-patch retries, over HTTPS against the test API server.</summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class TransportListAndMergeTests : IClassFixture<KubeTestCluster>
{
    private static readonly ApiResource Snapshots = new("storage.kubestash.com", "v1alpha1", "snapshots");
    private static readonly ApiResource RestoreSessions = new("core.kubestash.com", "v1alpha1", "restoresessions");

    private readonly KubeTestCluster _cluster;

    public TransportListAndMergeTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    private void PutSnapshot(string name, string repository, string ns = KubeTestCluster.Namespace) =>
        _cluster.Server.Put($$$"""
            {"apiVersion":"storage.kubestash.com/v1alpha1","kind":"Snapshot",
             "metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"kubestash.com/repo-name":"{{{repository}}}"}},
             "spec":{"repository":"{{{repository}}}","session":"s","version":"v1"}}
            """);

    [RequiresCrdsFact]
    public async Task List_follows_every_page_and_narrows_by_label()
    {
        var repository = "list-" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 5; i++)
            PutSnapshot($"{repository}-{i}", repository);
        PutSnapshot($"{repository}-other", repository + "-x");
        PutSnapshot($"{repository}-elsewhere", repository, "kube-public");
        var api = _cluster.CreateApi();
        _cluster.Server.ClearRequests();

        var items = await api.ListObjectsAsync(Snapshots, KubeTestCluster.Namespace, $"kubestash.com/repo-name={repository}", CancellationToken.None, pageSize: 2);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{repository}-{i}"), items.Select(i => (string?)i["metadata"]!["name"]).Order());
        Assert.All(items, i => Assert.Equal("Snapshot", (string?)i["kind"]));
        var pages = _cluster.Server.Requests.Where(r => r.PathAndQuery.Contains("/snapshots?", StringComparison.Ordinal)).Select(r => Uri.UnescapeDataString(r.PathAndQuery)).ToList();
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Contains("limit=2", p, StringComparison.Ordinal));
        Assert.DoesNotContain("continue=", pages[0], StringComparison.Ordinal);
        Assert.All(pages.Skip(1), p => Assert.Contains("continue=", p, StringComparison.Ordinal));
    }

    [RequiresCrdsFact]
    public async Task An_expired_continue_token_restarts_the_list_once_without_duplicates()
    {
        var repository = "expired-" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 5; i++)
            PutSnapshot($"{repository}-{i}", repository);
        var api = _cluster.CreateApi();
        _cluster.Server.ClearRequests();
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [410], MaxFaults = 1, Methods = ["GET"], PathContains = "continue=" });

        var items = await api.ListObjectsAsync(Snapshots, KubeTestCluster.Namespace, $"kubestash.com/repo-name={repository}", CancellationToken.None, pageSize: 2);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{repository}-{i}"), items.Select(i => (string?)i["metadata"]!["name"]).Order());
        var pages = _cluster.Server.Requests.Where(r => r.PathAndQuery.Contains("/snapshots?", StringComparison.Ordinal)).ToList();
        Assert.Equal([200, 410, 200, 200, 200], pages.Select(p => p.StatusCode));
        Assert.DoesNotContain("continue=", pages[2].PathAndQuery, StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task The_server_answers_a_Snapshot_list_as_kube_apiserver_does()
    {
        var repository = "page-" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 3; i++)
            PutSnapshot($"{repository}-{i}", repository);
        using var client = new ApiClient(_cluster.Server, _cluster.Server.AdminToken);

        var first = (await client.GetAsync($"/apis/storage.kubestash.com/v1alpha1/namespaces/demo/snapshots?labelSelector=kubestash.com%2Frepo-name%3D{repository}&limit=2")).Json;
        var token = (string?)first["metadata"]!["continue"];
        var rest = (await client.GetAsync($"/apis/storage.kubestash.com/v1alpha1/namespaces/demo/snapshots?labelSelector=kubestash.com%2Frepo-name%3D{repository}&limit=2&continue={Uri.EscapeDataString(token!)}")).Json;

        Assert.Equal(("SnapshotList", "storage.kubestash.com/v1alpha1"), ((string?)first["kind"], (string?)first["apiVersion"]));
        Assert.Equal(2, first["items"]!.AsArray().Count);
        Assert.Equal(1, (long?)first["metadata"]!["remainingItemCount"]);
        Assert.False(string.IsNullOrEmpty((string?)first["metadata"]!["resourceVersion"]));
        Assert.Equal([$"{repository}-2"], rest["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"]));
        Assert.Null(rest["metadata"]!["continue"]);
    }

    [RequiresCrdsFact]
    public async Task A_list_the_caller_may_not_read_is_one_line_naming_the_resource()
    {
        var token = _cluster.Server.AddToken("system:serviceaccount:demo:restore", new AccessRule("get", "storage.kubestash.com", "snapshots", KubeTestCluster.Namespace));
        var api = _cluster.CreateApi(token);

        var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.ListObjectsAsync(Snapshots, KubeTestCluster.Namespace, null, CancellationToken.None));

        Assert.Contains("cannot list resource \"snapshots\"", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [RequiresCrdsFact]
    public async Task A_merge_patch_answered_409_is_sent_again_and_applied_once()
    {
        var name = "merge-" + Guid.NewGuid().ToString("N")[..6];
        _cluster.Server.Put("""
            {"apiVersion":"core.kubestash.com/v1alpha1","kind":"RestoreSession","metadata":{"name":"NAME","namespace":"demo"},
             "spec":{"dataSource":{"repository":"r","snapshot":"latest","encryptionSecret":{"name":"e"}}}}
            """.Replace("NAME", name, StringComparison.Ordinal));
        var api = _cluster.CreateApi();
        _cluster.Server.ClearRequests();
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [409], MaxFaults = 2, Methods = ["PATCH"], PathContains = name });

        await api.MergePatchStatusAsync(RestoreSessions, "demo", name,
            JsonNode.Parse("""{"status":{"components":{"dump":{"phase":"Running"}}}}""")!.AsObject(), CancellationToken.None);

        var patches = _cluster.Server.Requests.Where(r => r.Method == "PATCH").Select(r => r.StatusCode).ToList();
        Assert.Equal([409, 409, 200], patches);
        Assert.Equal("Running", (string?)_cluster.Server.Get("core.kubestash.com/v1alpha1", "RestoreSession", "demo", name)!["status"]!["components"]!["dump"]!["phase"]);
    }

    [RequiresCrdsFact]
    public async Task A_merge_patch_with_a_resourceVersion_precondition_is_refused_before_sending()
    {
        var api = _cluster.CreateApi();
        _cluster.Server.ClearRequests();

        await Assert.ThrowsAsync<ArgumentException>(() => api.MergePatchStatusAsync(RestoreSessions, "demo", "any",
            JsonNode.Parse("""{"metadata":{"resourceVersion":"5"},"status":{}}""")!.AsObject(), CancellationToken.None));

        Assert.DoesNotContain(_cluster.Server.Requests, r => r.Method == "PATCH");
    }
}
