using System.Globalization;
using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Families.KubeStash;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// A KubeStash component restored in a cluster beyond the Function's happy path: <c>latest</c>
/// resolved through the API (a LIST of Snapshots), Events on the KubeStash RestoreSession, and
/// component Leases so two pods of one component never run restic at once. The test API server
/// over HTTPS with the real kubestash CRD schemas, the executor's command tree in-process, real restic.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class KubeStashClusterFlowTests(KubeStashStatefulSetBackups backups) : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private const string Namespace = "demo";
    private const string SessionName = "sample-restore";
    private const string LatestSucceeded = "sts-repo-sts-backup-2";
    private const string NewestFailed = "sts-repo-sts-backup-3";

    private readonly WorkDirectory _work = new("kubestash-flow-");

    public void Dispose() => _work.Dispose();

    /// <summary>The fixture's objects (three Snapshots: v1 and v2 Succeeded, a newer one Failed) minus <paramref name="without"/>.</summary>
    private List<JsonObject> Objects(bool labelled, params string[] without)
    {
        var items = new List<JsonObject>();
        foreach (var item in ((JsonArray)JsonNode.Parse(backups.ObjectsJson)!["items"]!).Select(i => (JsonObject)i!.DeepClone()))
        {
            if (without.Contains((string?)item["metadata"]!["name"]))
                continue;
            if (labelled && (string?)item["kind"] == "Snapshot")
            {
                // As KubeStash's backup labels every Snapshot it makes.
                item["metadata"]!["labels"] = new JsonObject { [KubeStashApiObjects.RepositoryLabel] = (string?)item["spec"]!["repository"] };
            }
            items.Add(item);
        }
        return items;
    }

    private static async Task<TestApiServer.TestApiServer> ServerAsync(IEnumerable<JsonObject> objects)
    {
        var server = await TestApiServer.TestApiServer.StartAsync();
        foreach (var item in objects)
            server.Put(item);
        var session = server.Put(KubeStashRestoreSessions.SampleRestoreJson);
        session["status"] = JsonNode.Parse("""{"phase":"Running","totalComponents":3}""");
        server.Put(session);
        return server;
    }

    /// <summary>The KubeStash Function's arguments without --snapshot: the session's <c>latest</c> applies.</summary>
    private Task<CliResult> RestoreAsync(TestApiServer.TestApiServer server, string component, string target, string pod = "restore-sts-0", string? path = null) =>
        CliHarness.RunAsync(
            new Dictionary<string, string>
            {
                ["COMPONENT_NAME"] = component,
                ["POD_NAME"] = pod,
                ["PATH"] = path ?? Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            },
            "restore", "--namespace=demo", $"--restoresession={SessionName}", "--enable-cache=true",
            $"--scratch-dir={Path.Combine(_work.Path, "scratch-" + pod)}", "--exclude=", "--include=",
            // One kubeconfig per pod: runs at the same time must not read a file another one is rewriting.
            "--kubeconfig", server.WriteKubeconfig(Path.Combine(_work.Path, "kubeconfig-" + pod)), "--target-dir", target, "--log-format", "text");

    private static List<string> SnapshotLists(TestApiServer.TestApiServer server) =>
        server.Requests
            .Where(r => r.Method == "GET" && r.PathAndQuery.StartsWith("/apis/storage.kubestash.com/v1alpha1/namespaces/demo/snapshots?", StringComparison.Ordinal))
            .Select(r => Uri.UnescapeDataString(r.PathAndQuery))
            .ToList();

    [RequiresCrdsTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Latest_in_a_cluster_restores_the_newest_Succeeded_Snapshot_not_the_newer_Failed_one(bool labelled)
    {
        await using var server = await ServerAsync(Objects(labelled));
        var target = Path.Combine(_work.Path, "target");

        var result = await RestoreAsync(server, "dump-pod-0", target);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(backups.Expected[("v2", 0, "data")], target + backups.SourcePath(0, "data"));
        TestTree.AssertEqual(backups.Expected[("v2", 0, "config")], target + backups.SourcePath(0, "config"));
        Assert.Contains($"Snapshot \"latest\" (spec.dataSource.snapshot) is Snapshot demo/{LatestSucceeded}", result.Error, StringComparison.Ordinal);
        Assert.Equal("Succeeded", (string?)server.Get(RestoreSession.ApiVersionV1Alpha1, "RestoreSession", Namespace, SessionName)!["status"]!["components"]!["dump-pod-0"]!["phase"]);

        var lists = SnapshotLists(server);
        Assert.All(lists, l => Assert.Contains("limit=", l, StringComparison.Ordinal));
        if (labelled)
        {
            // KubeStash's label narrows the LIST on the server: one request.
            var list = Assert.Single(lists);
            Assert.Contains($"labelSelector={KubeStashApiObjects.RepositoryLabel}=sts-repo", list, StringComparison.Ordinal);
        }
        else
        {
            // Unlabelled Snapshots (made by hand) are still found: the labelled LIST is empty, the namespace's is not.
            Assert.Equal(2, lists.Count);
            Assert.DoesNotContain("labelSelector", lists[1], StringComparison.Ordinal);
        }
    }

    [RequiresCrdsFact]
    public async Task Latest_with_no_Succeeded_Snapshot_is_exit_3_naming_what_exists_as_offline_and_nothing_is_written()
    {
        var objects = Objects(labelled: true, "sts-repo-sts-backup-1", LatestSucceeded);
        await using var server = await ServerAsync(objects);

        var cluster = await RestoreAsync(server, "dump-pod-0", Path.Combine(_work.Path, "t"));

        Assert.Equal(ExitCodes.DependencyUnavailable, cluster.ExitCode);
        Assert.Contains("latest Snapshot of Repository demo/sts-repo: no Succeeded Snapshot", cluster.Error, StringComparison.Ordinal);
        Assert.Contains($"{NewestFailed} (Failed)", cluster.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.Method is "PATCH" or "POST" or "PUT");
        Assert.False(Directory.Exists(Path.Combine(_work.Path, "t")), "nothing restored");

        // The same objects offline: the same exit code and the same one-line cause.
        var file = Path.Combine(_work.Path, "objects.json");
        var list = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone()), JsonNode.Parse(KubeStashRestoreSessions.SampleRestoreJson)]);
        File.WriteAllText(file, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = list }.ToJsonString());
        var offline = await CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = "dump-pod-0" },
            "restore", "--objects", file, "--namespace=demo", "--scratch-dir", Path.Combine(_work.Path, "scratch-offline"), "--target-dir", Path.Combine(_work.Path, "t2"));
        Assert.Equal(cluster.ExitCode, offline.ExitCode);
        var cause = $"latest Snapshot of Repository demo/sts-repo: no Succeeded Snapshot with a snapshotTime (found: {NewestFailed} (Failed))";
        Assert.Contains(cause, offline.Error, StringComparison.Ordinal);
        Assert.Contains(cause, cluster.Error, StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task Events_are_recorded_on_the_KubeStash_session_naming_the_component_and_logs_name_it_in_the_prefix()
    {
        await using var server = await ServerAsync(Objects(labelled: true));
        var session = server.Get(RestoreSession.ApiVersionV1Alpha1, "RestoreSession", Namespace, SessionName)!;

        var result = await RestoreAsync(server, "dump-pod-2", Path.Combine(_work.Path, "target"), pod: "restore-sts-2");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var recorded = Assert.Single(server.List("v1", "Event", Namespace));
        var involved = recorded["involvedObject"]!;
        Assert.Equal(
            ("core.kubestash.com/v1alpha1", "RestoreSession", SessionName, Namespace, (string?)session["metadata"]!["uid"]),
            ((string?)involved["apiVersion"], (string?)involved["kind"], (string?)involved["name"], (string?)involved["namespace"], (string?)involved["uid"]));
        Assert.Equal(("ComponentRestoreSucceeded", "Normal"), ((string?)recorded["reason"], (string?)recorded["type"]));
        Assert.StartsWith($"Restored component \"dump-pod-2\" from Snapshot demo/{LatestSucceeded}", (string?)recorded["message"], StringComparison.Ordinal);
        Assert.Equal(("stash-restore", "restore-sts-2"), ((string?)recorded["source"]!["component"], (string?)recorded["source"]!["host"]));

        // Text logs name the component in the prefix, like a Stash host, and not again as a suffix.
        var lines = result.Error.Split('\n').Where(l => l.Contains("Restored component", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains("[demo/sample-restore component=dump-pod-2] ", l, StringComparison.Ordinal));
        Assert.DoesNotContain("Component=", result.Error, StringComparison.Ordinal);
        // The claim is this family's Lease, released at the end.
        var lease = server.Get("coordination.k8s.io/v1", "Lease", Namespace, LeaseUnitClaims.LeaseName(SessionName, "dump-pod-2", KubeStashApiObjects.ClaimScope))!;
        Assert.Equal("kubestash-restore-sample-restore-dump-pod-2", (string?)lease["metadata"]!["name"]);
        Assert.Null((string?)lease["spec"]!["holderIdentity"]);
    }

    [RequiresCrdsFact]
    public async Task Two_pods_of_one_component_take_turns_and_the_second_skips_while_another_component_restores_in_parallel()
    {
        await using var server = await ServerAsync(Objects(labelled: true));
        var calls = Path.Combine(_work.Path, "restic-calls.log");
        var bin = Directory.CreateDirectory(Path.Combine(_work.Path, "bin")).FullName;
        // restic, slowed so the restores surely overlap in time, recording when each restore runs and for which repository.
        File.WriteAllText(Path.Combine(bin, "restic"), $"""
            #!/bin/sh
            if [ "$1" = restore ]; then
              echo "start $(date +%s.%N) $RESTIC_REPOSITORY" >> '{calls}'
              sleep 1.5
              '{backups.Repositories.Restic.Path}' "$@"; rc=$?
              echo "end $(date +%s.%N) $RESTIC_REPOSITORY" >> '{calls}'
              exit $rc
            fi
            exec '{backups.Repositories.Restic.Path}' "$@"
            """);
        File.SetUnixFileMode(Path.Combine(bin, "restic"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";

        var runs = await Task.WhenAll(
            Task.Run(() => RestoreAsync(server, "dump-pod-0", Path.Combine(_work.Path, "a"), pod: "restore-a", path: path)),
            Task.Run(() => RestoreAsync(server, "dump-pod-0", Path.Combine(_work.Path, "b"), pod: "restore-b", path: path)),
            // dump-pod-2: dump-pod-1's Snapshot entry is in the older flat shape, which the current CRD schema prunes.
            Task.Run(() => RestoreAsync(server, "dump-pod-2", Path.Combine(_work.Path, "c"), pod: "restore-c", path: path)));

        Assert.All(runs, r => Assert.True(r.ExitCode == ExitCodes.Success, r.ToString()));
        var samePair = runs[..2];
        var skipped = Assert.Single(samePair, r => r.Error.Contains("is already restored", StringComparison.Ordinal));
        Assert.Matches(@"\[demo/sample-restore component=dump-pod-0\] Component dump-pod-0 is being restored by restore-[ab]_[0-9a-f]{8}; waiting", skipped.Error);
        var restorer = Assert.Single(samePair, r => !r.Error.Contains("is already restored", StringComparison.Ordinal));
        var restoredTarget = restorer == runs[0] ? "a" : "b";
        TestTree.AssertEqual(backups.Expected[("v2", 0, "data")], Path.Combine(_work.Path, restoredTarget) + backups.SourcePath(0, "data"));
        Assert.False(Directory.Exists(Path.Combine(_work.Path, restoredTarget == "a" ? "b" : "a")), "the waiting pod restored nothing");
        TestTree.AssertEqual(backups.Expected[("v2", 2, "data")], Path.Combine(_work.Path, "c") + backups.SourcePath(2, "data"));

        var restores = File.ReadAllLines(calls).Select(l => l.Split(' ')).ToList();
        (double Start, double End)[] Intervals(string component)
        {
            var mine = restores.Where(r => r[2].EndsWith("/" + component, StringComparison.Ordinal)).ToList();
            var starts = mine.Where(r => r[0] == "start").Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).Order().ToList();
            var ends = mine.Where(r => r[0] == "end").Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).Order().ToList();
            return starts.Zip(ends).ToArray();
        }
        var pod0 = Intervals("dump-pod-0");
        var pod2 = Intervals("dump-pod-2");
        // One restic restore per path of the component (2), from one pod only, one after another.
        Assert.Equal(2, pod0.Length);
        Assert.Equal(2, pod2.Length);
        Assert.True(pod0[0].End <= pod0[1].Start, "the restores of one component never overlap");
        // The other component did not wait for dump-pod-0's claim.
        Assert.True(pod2[0].Start < pod0[^1].End && pod0[0].Start < pod2[^1].End, $"dump-pod-0 {string.Join(", ", pod0)} and dump-pod-2 {string.Join(", ", pod2)} ran in parallel");

        var components = server.Get(RestoreSession.ApiVersionV1Alpha1, "RestoreSession", Namespace, SessionName)!["status"]!["components"]!.AsObject();
        Assert.Equal(["dump-pod-0", "dump-pod-2"], components.Select(c => c.Key).Order());
        Assert.All(components, c => Assert.Equal("Succeeded", (string?)c.Value!["phase"]));
        Assert.Equal(2, server.List("v1", "Event", Namespace).Count(e => (string?)e["reason"] == "ComponentRestoreSucceeded"));
    }
}
