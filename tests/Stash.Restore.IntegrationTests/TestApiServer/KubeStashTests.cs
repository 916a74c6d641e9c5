using System.Text.Json.Nodes;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

/// <summary>
/// The KubeStash CRDs (../shared/crds/kubestash) are served as Stash's are: discovery, CRUD,
/// /status, merge patches of the granular <c>status.components</c> map, pruning by the real schema.
/// </summary>
public sealed class KubeStashTests : IAsyncLifetime
{
    private const string Sessions = "/apis/core.kubestash.com/v1alpha1/namespaces/demo/restoresessions";
    private const string Snapshots = "/apis/storage.kubestash.com/v1alpha1/namespaces/demo/snapshots";
    private TestApiServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _api = new ApiClient(_server, _server.AdminToken);
        _server.Put("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}""");
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    private static string Session() => """
        {"apiVersion": "core.kubestash.com/v1alpha1", "kind": "RestoreSession",
         "metadata": {"name": "sample-restore", "namespace": "demo"},
         "spec": {"dataSource": {"repository": "gcs-repo", "snapshot": "latest", "encryptionSecret": {"name": "encrypt-secret", "namespace": "demo"}},
                  "addon": {"name": "workload-addon", "tasks": [{"name": "logical-backup-restore"}]}}}
        """;

    [RequiresCrdsFact]
    public async Task Discovery_lists_both_kubestash_groups_with_their_status_subresources()
    {
        var core = await _api.GetAsync("/apis/core.kubestash.com/v1alpha1");
        var storage = await _api.GetAsync("/apis/storage.kubestash.com/v1alpha1");

        Assert.Equal(200, core.Code);
        var coreNames = core.Json["resources"]!.AsArray().Select(r => (string)r!["name"]!).ToList();
        Assert.Contains("restoresessions", coreNames);
        Assert.Contains("restoresessions/status", coreNames);
        Assert.Contains("hooktemplates", coreNames);
        Assert.DoesNotContain("hooktemplates/status", coreNames); // the CRD declares no status subresource
        var storageNames = storage.Json["resources"]!.AsArray().Select(r => (string)r!["name"]!).ToList();
        Assert.Equal(["backupstorages", "backupstorages/status", "repositories", "repositories/status", "snapshots", "snapshots/status"],
            storageNames.Order(StringComparer.Ordinal));
        Assert.Contains(storage.Json["resources"]!.AsArray(), r => (string)r!["name"]! == "repositories" && r["shortNames"]![0]!.GetValue<string>() == "repo");
    }

    [RequiresCrdsFact]
    public async Task A_restore_session_is_created_read_listed_and_deleted()
    {
        var created = await _api.PostAsync(Sessions, Session());
        var read = await _api.GetAsync(Sessions + "/sample-restore");
        var list = await _api.GetAsync(Sessions);
        var deleted = await _api.DeleteAsync(Sessions + "/sample-restore");
        var gone = await _api.GetAsync(Sessions + "/sample-restore");

        Assert.Equal(201, created.Code);
        Assert.Equal("gcs-repo", (string?)read.Json["spec"]!["dataSource"]!["repository"]);
        Assert.Equal(1L, (long)read.Json["metadata"]!["generation"]!);
        Assert.Equal("RestoreSessionList", (string?)list.Json["kind"]);
        Assert.Single(list.Json["items"]!.AsArray());
        Assert.Equal(200, deleted.Code);
        Assert.Equal(404, gone.Code);
        Assert.Equal("restoresessions.core.kubestash.com \"sample-restore\" not found", gone.Message);
    }

    [RequiresCrdsFact]
    public async Task Component_merge_patches_keep_other_components_and_the_operators_fields()
    {
        var session = JsonNode.Parse(Session())!.AsObject();
        session["status"] = JsonNode.Parse("""
            {"phase": "Running", "totalComponents": 3, "restoreDeadline": "2026-01-01T01:00:00Z",
             "conditions": [{"type": "RestoreExecutorEnsured", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
             "components": {"dump-pod-0": {"phase": "Succeeded", "duration": "3s"}}}
            """);
        _server.Put(session);
        const string Status = Sessions + "/sample-restore/status";

        var running = await _api.PatchAsync(Status, """{"status":{"components":{"dump-pod-1":{"phase":"Running"}}}}""");
        var progress = await _api.PatchAsync(Status, """
            {"status":{"components":{"dump-pod-1":{"progress":{"secondsElapsed":10,"percentDone":"12.34%","totalFiles":5,"filesDone":1,"restoreDone":"1.2 MiB","total":"10 MiB","speed":"123 KiB/s","etaSeconds":3}}}}}
            """);
        var done = await _api.PatchAsync(Status, """{"status":{"components":{"dump-pod-1":{"phase":"Succeeded","duration":"12.5s","progress":null}}}}""");
        var stored = _server.Get("core.kubestash.com/v1alpha1", "RestoreSession", "demo", "sample-restore")!["status"]!;

        Assert.Equal(200, running.Code);
        Assert.Equal(200, progress.Code);
        Assert.Contains("299 - \"unknown field \\\"status.components[dump-pod-1].progress.etaSeconds\\\"\"", progress.Warnings);
        Assert.Equal("12.34%", (string?)progress.Json["status"]!["components"]!["dump-pod-1"]!["progress"]!["percentDone"]);
        Assert.Null(progress.Json["status"]!["components"]!["dump-pod-1"]!["progress"]!["etaSeconds"]);
        Assert.Equal(200, done.Code);
        Assert.Equal("""{"dump-pod-0":{"phase":"Succeeded","duration":"3s"},"dump-pod-1":{"phase":"Succeeded","duration":"12.5s"}}""",
            stored["components"]!.ToJsonString());
        Assert.Equal("Running", (string?)stored["phase"]);
        Assert.Equal(3L, (long)stored["totalComponents"]!);
        Assert.Equal("2026-01-01T01:00:00Z", (string?)stored["restoreDeadline"]);
        Assert.Equal("RestoreExecutorEnsured", (string?)stored["conditions"]![0]!["type"]);
    }

    [RequiresCrdsFact]
    public async Task An_invalid_component_patch_changes_nothing_and_a_repeated_one_keeps_the_resource_version()
    {
        _server.Put(Session());
        const string Status = Sessions + "/sample-restore/status";
        var first = await _api.PatchAsync(Status, """{"status":{"components":{"dump":{"phase":"Running"}}}}""");

        var again = await _api.PatchAsync(Status, """{"status":{"components":{"dump":{"phase":"Running"}}}}""");
        var invalid = await _api.PatchAsync(Status, """{"status":{"components":{"dump":{"phase":"Done"},"other":{"phase":"Running"}}}}""");
        var wrongType = await _api.PatchAsync(Status, """{"status":{"components":{"dump":{"duration":5}}}}""");
        var specThroughStatus = await _api.PatchAsync(Status, """{"spec":{"dataSource":{"repository":"elsewhere"}},"status":{"components":{"dump":{"duration":"1s"}}}}""");

        Assert.Equal(200, first.Code);
        Assert.Equal(first.ResourceVersion, again.ResourceVersion);
        Assert.Equal(422, invalid.Code);
        Assert.Contains("status.components[dump].phase: Unsupported value: \"Done\"", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(422, wrongType.Code);
        Assert.Contains("status.components[dump].duration in body must be of type string", wrongType.Message, StringComparison.Ordinal);
        Assert.Equal(200, specThroughStatus.Code);
        var stored = _server.Get("core.kubestash.com/v1alpha1", "RestoreSession", "demo", "sample-restore")!;
        Assert.Equal("""{"dump":{"phase":"Running","duration":"1s"}}""", stored["status"]!["components"]!.ToJsonString());
        Assert.Equal("gcs-repo", (string?)stored["spec"]!["dataSource"]!["repository"]);
        Assert.Equal(1L, (long)stored["metadata"]!["generation"]!);
    }

    [RequiresCrdsFact]
    public void Snapshot_restic_stats_keep_the_summary_shape_and_lose_the_old_flat_one_to_pruning()
    {
        var stored = _server.Put("""
            apiVersion: storage.kubestash.com/v1alpha1
            kind: Snapshot
            metadata: {name: gcs-repo-sample-backup-1700000000, namespace: demo}
            spec: {repository: gcs-repo, session: sample-backup, snapshotID: 01HX, type: FullBackup, appRef: {kind: StatefulSet, name: app}}
            status:
              phase: Succeeded
              snapshotTime: "2026-01-01T00:00:00Z"
              components:
                dump-pod-0:
                  path: repository/v1/sample-backup/dump-pod-0
                  phase: Succeeded
                  driver: Restic
                  resticStats:
                  - summary: {id: 4f2a7b1c, hostPath: /data, size: 1 MiB}
                  - {id: 9e8d7c6b, hostPath: /logs}
            """);

        var stats = stored["status"]!["components"]!["dump-pod-0"]!["resticStats"]!.AsArray();
        Assert.Equal("""{"summary":{"id":"4f2a7b1c","hostPath":"/data","size":"1 MiB"}}""", stats[0]!.ToJsonString());
        Assert.Equal("{}", stats[1]!.ToJsonString());
        Assert.Equal("Delete", (string?)stored["spec"]!["deletionPolicy"]); // the schema's default
    }

    [RequiresCrdsFact]
    public async Task Snapshots_repositories_and_backup_storages_are_served_with_status()
    {
        var snapshot = await _api.PostAsync(Snapshots, """
            {"apiVersion":"storage.kubestash.com/v1alpha1","kind":"Snapshot","metadata":{"name":"s1","namespace":"demo"},"spec":{"repository":"gcs-repo"},"status":{"phase":"Succeeded"}}
            """);
        var snapshotStatus = await _api.PatchAsync(Snapshots + "/s1/status", """{"status":{"phase":"Succeeded","snapshotTime":"2026-01-01T00:00:00Z"}}""");
        var repository = await _api.PostAsync("/apis/storage.kubestash.com/v1alpha1/namespaces/demo/repositories", """
            {"apiVersion":"storage.kubestash.com/v1alpha1","kind":"Repository","metadata":{"name":"gcs-repo","namespace":"demo"},
             "spec":{"path":"/demo/app","storageRef":{"name":"gcs-storage","namespace":"demo"},"encryptionSecret":{"name":"encrypt-secret","namespace":"demo"}}}
            """);
        var storage = await _api.PostAsync("/apis/storage.kubestash.com/v1alpha1/namespaces/demo/backupstorages", """
            {"apiVersion":"storage.kubestash.com/v1alpha1","kind":"BackupStorage","metadata":{"name":"gcs-storage","namespace":"demo"},
             "spec":{"storage":{"provider":"gcs","gcs":{"bucket":"kubestash-qa","prefix":"demo","secretName":"gcs-secret","maxConnections":4}}}}
            """);
        var badProvider = await _api.PostAsync("/apis/storage.kubestash.com/v1alpha1/namespaces/demo/backupstorages", """
            {"apiVersion":"storage.kubestash.com/v1alpha1","kind":"BackupStorage","metadata":{"name":"bad","namespace":"demo"},"spec":{"storage":{"provider":"gcs","gcs":{"bucket":"b","maxConnections":"four"}}}}
            """);

        Assert.Equal(201, snapshot.Code);
        Assert.Null(snapshot.Json["status"]); // create drops status, as the real server does for a /status CRD
        Assert.Equal("2026-01-01T00:00:00Z", (string?)snapshotStatus.Json["status"]!["snapshotTime"]);
        Assert.Equal(201, repository.Code);
        Assert.Equal("gcs-storage", (string?)repository.Json["spec"]!["storageRef"]!["name"]);
        Assert.Equal(201, storage.Code);
        Assert.Equal(4L, (long)storage.Json["spec"]!["storage"]!["gcs"]!["maxConnections"]!);
        Assert.Equal(422, badProvider.Code);
        Assert.Contains("spec.storage.gcs.maxConnections in body must be of type integer: \"string\"", badProvider.Message, StringComparison.Ordinal);
    }
}
