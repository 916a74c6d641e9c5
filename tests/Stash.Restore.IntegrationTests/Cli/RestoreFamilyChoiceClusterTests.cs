using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Families.KubeStash;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// How a cluster <c>restore</c> finds its family (SPEC §15), seen in the test API server's request log:
/// a manual <c>restore --restoresession X --namespace demo</c> asks the KubeStash group once and uses the
/// answer (a KubeStash session is not read again; a 404 means Stash), Stash's operator flags never touch
/// the KubeStash group, and KubeStash's <c>--snapshot=</c> never reads a Stash session. Real HTTPS, the
/// real CRD schemas, real restic; each run's bytes and status prove the family restored.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class RestoreFamilyChoiceClusterTests(KubeStashStatefulSetBackups backups) : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private const string StashSession = "/apis/stash.appscode.com/v1beta1/namespaces/demo/restoresessions/app-restore";
    private const string KubeStashGroup = "/apis/core.kubestash.com/";
    private const string StashGroup = "/apis/stash.appscode.com/";

    private readonly WorkDirectory _work = new("family-choice-");

    public void Dispose() => _work.Dispose();

    private static List<RequestRecord> Reads(TestApiServer.TestApiServer server, string path) =>
        server.Requests.Where(r => r.Method == "GET" && r.PathAndQuery == path).ToList();

    private static string KubeStashSession(string name) => $"/apis/core.kubestash.com/v1alpha1/namespaces/demo/restoresessions/{name}";

    [RequiresCrdsFact]
    public async Task A_manual_run_naming_a_Stash_session_asks_the_KubeStash_group_once_then_reads_the_Stash_session_once_and_restores_the_host()
    {
        await using var rig = await ClusterRig.StartAsync();
        var target = Path.Combine(_work.Path, "manual");

        var result = await rig.RestoreAsync("app-0", target, extra: ["--namespace", "demo", "--log-level", "debug"]);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        Assert.Equal("Succeeded", (string?)Assert.Single(rig.Stats())!["phase"]);
        var kubeStash = Assert.Single(rig.Server.Requests, r => r.PathAndQuery.StartsWith(KubeStashGroup, StringComparison.Ordinal));
        Assert.Equal(("GET", KubeStashSession("app-restore"), 404), (kubeStash.Method, kubeStash.PathAndQuery, kubeStash.StatusCode));
        Assert.Single(Reads(rig.Server, StashSession));
        Assert.True(rig.Server.Requests.ToList().IndexOf(kubeStash) < rig.Server.Requests.ToList().FindIndex(r => r.PathAndQuery == StashSession),
            "the KubeStash group was asked before the Stash session was read");
        Assert.Contains("Restoring for Stash (decided by no core.kubestash.com/v1alpha1 RestoreSession demo/app-restore to read (404))", result.Error, StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task Stashs_operator_flags_never_touch_the_KubeStash_group()
    {
        await using var rig = await ClusterRig.StartAsync();
        var target = Path.Combine(_work.Path, "operator");

        // As the init-container is started: the session by --invoker-name, the target by --target-*.
        var result = await rig.RestoreAsync("app-0", target, extra: ["--invoker-kind=RestoreSession", "--invoker-name=app-restore", "--target-kind=Deployment", "--target-name=app"]);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        Assert.DoesNotContain(rig.Server.Requests, r => r.PathAndQuery.StartsWith(KubeStashGroup, StringComparison.Ordinal));
        Assert.Single(Reads(rig.Server, StashSession));
    }

    private async Task<TestApiServer.TestApiServer> KubeStashServerAsync()
    {
        var server = await TestApiServer.TestApiServer.StartAsync();
        foreach (var item in ((JsonArray)JsonNode.Parse(backups.ObjectsJson)!["items"]!).Select(i => (JsonObject)i!.DeepClone()))
            server.Put(item);
        var session = server.Put(KubeStashRestoreSessions.SampleRestoreJson);
        session["status"] = JsonNode.Parse("""{"phase":"Running","totalComponents":3}""");
        server.Put(session);
        return server;
    }

    /// <summary>A KubeStash component restored in <paramref name="server"/>; <paramref name="snapshotFlag"/> is the Function's <c>--snapshot=</c> or nothing.</summary>
    private Task<CliResult> RestoreComponentAsync(TestApiServer.TestApiServer server, string name, params string[] snapshotFlag) =>
        CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = "dump-pod-0", ["POD_NAME"] = "restore-sts-0" },
            ["restore", "--restoresession", "sample-restore", "--namespace", "demo", .. snapshotFlag,
             "--scratch-dir", Path.Combine(_work.Path, "scratch-" + name), "--kubeconfig", server.WriteKubeconfig(Path.Combine(_work.Path, "kubeconfig-" + name)),
             "--target-dir", Path.Combine(_work.Path, name), "--log-format", "text", "--log-level", "debug"]);

    [RequiresCrdsFact]
    public async Task A_manual_run_naming_a_KubeStash_session_reads_it_once_never_asks_the_Stash_group_and_restores_the_component()
    {
        // The same component restored twice: once decided by KubeStash's --snapshot= (the session read by the
        // KubeStash restore itself), once by reading the session; the reads of the session must be the same.
        await using var decidedByFlag = await KubeStashServerAsync();
        await using var decidedBySession = await KubeStashServerAsync();

        var function = await RestoreComponentAsync(decidedByFlag, "function", "--snapshot=");
        var manual = await RestoreComponentAsync(decidedBySession, "manual");

        Assert.True(manual.ExitCode == ExitCodes.Success, manual.ToString());
        Assert.True(function.ExitCode == ExitCodes.Success, function.ToString());
        TestTree.AssertEqual(backups.Expected[("v2", 0, "data")], Path.Combine(_work.Path, "manual") + backups.SourcePath(0, "data"));
        Assert.Equal("Succeeded", (string?)decidedBySession.Get("core.kubestash.com/v1alpha1", "RestoreSession", "demo", "sample-restore")!["status"]!["components"]!["dump-pod-0"]!["phase"]);
        Assert.Contains("Restoring for KubeStash (decided by core.kubestash.com/v1alpha1 RestoreSession demo/sample-restore)", manual.Error, StringComparison.Ordinal);
        Assert.Contains("Restoring for KubeStash (decided by --snapshot)", function.Error, StringComparison.Ordinal);
        // Deciding read the session; the restore used that read and did not read it again.
        Assert.Equal(Reads(decidedByFlag, KubeStashSession("sample-restore")).Count, Reads(decidedBySession, KubeStashSession("sample-restore")).Count);
        Assert.DoesNotContain(decidedBySession.Requests, r => r.PathAndQuery.StartsWith(StashGroup, StringComparison.Ordinal));
    }

    [RequiresCrdsFact]
    public async Task KubeStashs_snapshot_flag_reads_no_Stash_session_even_when_only_a_Stash_session_has_the_name()
    {
        // The name belongs to a Stash session only: with --snapshot= the run is KubeStash's, and says the KubeStash session is missing.
        await using var rig = await ClusterRig.StartAsync();

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = "dump-pod-0" },
            "restore", "--restoresession=app-restore", "--namespace=demo", "--snapshot=", "--kubeconfig", rig.Kubeconfig,
            "--target-dir", Path.Combine(_work.Path, "snapshot-flag"), "--scratch-dir", Path.Combine(_work.Path, "scratch-snapshot-flag"), "--log-format", "text");

        Assert.Equal(ExitCodes.DependencyUnavailable, result.ExitCode);
        Assert.Contains("restoresessions.core.kubestash.com \"app-restore\" not found in namespace \"demo\"", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(rig.Server.Requests, r => r.PathAndQuery.StartsWith(StashGroup, StringComparison.Ordinal));
        Assert.Equal(0, rig.ResticRestoreCalls);
    }
}
