using Stash.Restore.Core;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.IntegrationTests.Kubernetes;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Stash.Restore.TestApiServer;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

/// <summary>
/// The KubeStash objects of a cluster run, read through <see cref="KubeStashApiObjects"/> from the test API
/// server (real HTTPS, KubeStash's real CRD schemas): which requests are made, how <c>latest</c>'s Snapshots
/// are listed, and what a missing Secret says.
/// </summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class KubeStashApiObjectsTests : IClassFixture<KubeTestCluster>
{
    private const string Namespace = KubeTestCluster.Namespace;
    private const string SnapshotsPath = $"/apis/storage.kubestash.com/v1alpha1/namespaces/{Namespace}/snapshots";
    private readonly KubeTestCluster _cluster;

    public KubeStashApiObjectsTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
        _cluster.Server.ClearRequests();
    }

    private void PutSnapshot(string name, string repository, bool labelled, string phase = SnapshotPhase.Succeeded)
    {
        var labels = labelled ? $"labels: {{{KubeStashApiObjects.RepositoryLabel}: {repository}}}" : "labels: {}";
        _cluster.Server.Put($$"""
            apiVersion: storage.kubestash.com/v1alpha1
            kind: Snapshot
            metadata: {name: {{name}}, namespace: {{Namespace}}, {{labels}}}
            spec: {repository: {{repository}}, session: full-backup, version: v1, deletionPolicy: Delete}
            status: {phase: {{phase}}, snapshotTime: "2026-11-01T10:00:00Z", totalComponents: 0}
            """);
    }

    private List<string> SnapshotLists() =>
        _cluster.Server.Requests
            .Where(r => r.Method == "GET" && r.PathAndQuery.StartsWith(SnapshotsPath + "?", StringComparison.Ordinal))
            .Select(r => Uri.UnescapeDataString(r.PathAndQuery))
            .ToList();

    [RequiresCrdsFact]
    public async Task Reads_the_RestoreSession_from_KubeStashs_core_group_with_one_GET()
    {
        _cluster.Server.Put("""
            apiVersion: core.kubestash.com/v1alpha1
            kind: RestoreSession
            metadata: {name: api-session, namespace: demo}
            spec:
              target: {apiGroup: apps, kind: StatefulSet, name: restore-sts, namespace: demo}
              addon: {name: workload-addon, tasks: [{name: logical-backup-restore}]}
              dataSource: {repository: sts-repo, snapshot: latest, encryptionSecret: {name: encrypt-secret, namespace: demo}}
            """);

        var session = await new KubeStashApiObjects(_cluster.CreateApi()).GetRestoreSessionAsync(Namespace, "api-session", CancellationToken.None);

        Assert.Equal(("sts-repo", "latest"), (session.Spec.DataSource!.Repository, session.Spec.DataSource.Snapshot));
        Assert.Equal(
            [$"GET /apis/core.kubestash.com/v1alpha1/namespaces/{Namespace}/restoresessions/api-session 200"],
            _cluster.Server.Requests.Where(r => r.PathAndQuery.Contains("api-session", StringComparison.Ordinal)).Select(r => $"{r.Method} {r.PathAndQuery} {r.StatusCode}"));
    }

    [RequiresCrdsFact]
    public async Task Labelled_Snapshots_of_the_repository_are_listed_by_its_label_alone()
    {
        PutSnapshot("labelled-repo-backup-1", "labelled-repo", labelled: true);
        PutSnapshot("other-repo-backup-1", "other-repo", labelled: true);

        var snapshots = await new KubeStashApiObjects(_cluster.CreateApi()).ListSnapshotsAsync(Namespace, "labelled-repo", CancellationToken.None);

        Assert.Equal(["labelled-repo-backup-1"], snapshots.Select(s => s.Metadata.Name));
        var list = Assert.Single(SnapshotLists());
        Assert.Contains($"labelSelector={KubeStashApiObjects.RepositoryLabel}=labelled-repo", list, StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task Unlabelled_Snapshots_made_by_hand_are_still_found_by_listing_the_whole_namespace()
    {
        PutSnapshot("by-hand-repo-backup-1", "by-hand-repo", labelled: false);
        // A labelled one that cannot be chosen (Failed) does not stop the namespace-wide list.
        PutSnapshot("by-hand-repo-backup-2", "by-hand-repo", labelled: true, phase: "Failed");

        var snapshots = await new KubeStashApiObjects(_cluster.CreateApi()).ListSnapshotsAsync(Namespace, "by-hand-repo", CancellationToken.None);

        Assert.Contains("by-hand-repo-backup-1", snapshots.Select(s => s.Metadata.Name));
        var lists = SnapshotLists();
        Assert.Equal(2, lists.Count);
        Assert.Contains("labelSelector=", lists[0], StringComparison.Ordinal);
        Assert.DoesNotContain("labelSelector", lists[1], StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task A_repository_name_that_is_no_label_value_lists_the_namespace_without_a_selector()
    {
        var longName = "repo-" + new string('x', 70);
        PutSnapshot("long-name-backup-1", longName, labelled: false);

        var snapshots = await new KubeStashApiObjects(_cluster.CreateApi()).ListSnapshotsAsync(Namespace, longName, CancellationToken.None);

        Assert.Contains("long-name-backup-1", snapshots.Select(s => s.Metadata.Name));
        Assert.DoesNotContain("labelSelector", Assert.Single(SnapshotLists()), StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task A_missing_secret_is_exit_3_naming_it_and_what_it_is_for()
    {
        var secret = new SecretReference(Namespace, "no-such-secret", "encryption secret (spec.dataSource.encryptionSecret)");

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            new KubeStashApiObjects(_cluster.CreateApi()).GetSecretAsync(secret, CancellationToken.None));

        Assert.Equal(
            $"Secret {Namespace}/no-such-secret (encryption secret (spec.dataSource.encryptionSecret)): secrets \"no-such-secret\" not found in namespace \"{Namespace}\"",
            error.Message);
        Assert.Equal(ExitCodes.DependencyUnavailable, error.ExitCode);
    }
}
