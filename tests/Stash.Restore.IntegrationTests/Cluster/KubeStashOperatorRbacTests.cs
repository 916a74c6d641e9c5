using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Families.KubeStash;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// SPEC §15's RBAC table, the KubeStash row: the restore Job's pod runs the catalog's <c>workload-restore</c>
/// or <c>pvc-restore</c> Function with its exact arguments, its service account bound to
/// <c>kubestash-restore-job</c> (tests/rbac/kubestash: no leases, no Stash objects) against the test API
/// server's RBAC. Bytes restored where they were backed up, the component's status entry and Event
/// written, nothing it needs refused, and the missing leases said once.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class KubeStashOperatorRbacTests(KubeStashStatefulSetBackups backups) : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private const string Namespace = "demo";
    private const string ServiceAccount = "restore-job";
    private const string Snapshot = "sts-repo-sts-backup-2";
    private static readonly string User = $"system:serviceaccount:{Namespace}:{ServiceAccount}";

    private readonly WorkDirectory _work = new("kubestash-rbac-");

    public void Dispose() => _work.Dispose();

    /// <summary>The backups' objects, <paramref name="session"/>, and the restore Job's real ClusterRole bound to its service account.</summary>
    private static async Task<TestApiServer.TestApiServer> ServerAsync(KubeStashStatefulSetBackups backups, string session)
    {
        var server = await TestApiServer.TestApiServer.StartAsync();
        foreach (var item in ((JsonArray)JsonNode.Parse(backups.ObjectsJson)!["items"]!).Select(i => (JsonObject)i!.DeepClone()))
            server.Put(item);
        server.Put(session);
        server.PutAll(File.ReadAllText(RepositoryRoot.File("tests/rbac/kubestash/kubestash-restore-job.yaml")));
        server.Put($$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"kubestash-restore-job","namespace":"{{Namespace}}"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"kubestash-restore-job"},
             "subjects":[{"kind":"ServiceAccount","name":"{{ServiceAccount}}","namespace":"{{Namespace}}"}]}
            """);
        return server;
    }

    /// <summary>A restore Job's pod: the executor as a process, its own token, the Function's arguments exactly (scratchDir resolved by the operator).</summary>
    private Task<CliResult> RunJobPodAsync(TestApiServer.TestApiServer server, string pod, string[] arguments, string? component)
    {
        var kubeconfig = server.WriteKubeconfig(Path.Combine(_work.Path, $"kubeconfig-{pod}"),
            server.IssueServiceAccountToken(Namespace, ServiceAccount), serviceAccount: $"{Namespace}:{ServiceAccount}");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.GetDirectoryName(backups.Repositories.Restic.Path)}:{Environment.GetEnvironmentVariable("PATH")}",
            ["HOME"] = _work.Path,
            ["KUBECONFIG"] = kubeconfig,
            ["POD_NAME"] = pod,
        };
        if (component is not null)
            environment["COMPONENT_NAME"] = component;
        return ExecutorProcess.RunAsync(arguments, environment, TimeSpan.FromMinutes(3));
    }

    private string ScratchDir(string pod) => Path.Combine(_work.Path, "kubestash-tmp-" + pod);

    /// <summary>kubestash/installer v2026.7.10 catalog/raw/workload/workload-restore-function.yaml, parameters resolved (exclude/include unset).</summary>
    private string[] WorkloadRestoreArguments(string session, string pod) =>
        ["restore", $"--namespace={Namespace}", $"--restoresession={session}", $"--snapshot={Snapshot}", "--enable-cache=true",
         $"--scratch-dir={ScratchDir(pod)}", "--exclude=", "--include="];

    /// <summary>kubestash/installer v2026.7.10 catalog/raw/pvc/pvc-restore-function.yaml, parameters resolved.</summary>
    private string[] PvcRestoreArguments(string session, string pod) =>
        ["restore", $"--namespace={Namespace}", $"--restoresession={session}", $"--snapshot={Snapshot}", "--enable-cache=true",
         $"--scratch-dir={ScratchDir(pod)}"];

    /// <summary>The source folders of <paramref name="pod"/>, emptied so that what is there after the run was restored.</summary>
    private void RemoveSources(int pod)
    {
        foreach (var part in new[] { "data", "config" })
        {
            var source = backups.SourcePath(pod, part);
            if (Directory.Exists(source))
                Directory.Delete(source, recursive: true);
        }
    }


    private void AssertComponentRestored(TestApiServer.TestApiServer server, string session, CliResult pod, int podIndex)
    {
        var component = $"dump-pod-{podIndex}";
        Assert.True(pod.ExitCode == ExitCodes.Success, $"{component} ({ExecutorProcess.Describe()}): {pod}");
        TestTree.AssertEqual(backups.Expected[("v2", podIndex, "data")], backups.SourcePath(podIndex, "data"));
        TestTree.AssertEqual(backups.Expected[("v2", podIndex, "config")], backups.SourcePath(podIndex, "config"));
        var entry = server.Get(RestoreSession.ApiVersionV1Alpha1, "RestoreSession", Namespace, session)!["status"]!["components"]![component]!;
        Assert.Equal("Succeeded", (string?)entry["phase"]);
        Assert.Null(entry["error"]);
        Assert.Contains(server.List("v1", "Event", Namespace), e => (string?)e["reason"] == "ComponentRestoreSucceeded"
            && (string?)e["involvedObject"]!["name"] == session && ((string?)e["message"])!.Contains($"\"{component}\"", StringComparison.Ordinal));

        var lines = ExecutorLog.Lines(pod);
        Assert.DoesNotContain(lines, l => l.Level is "error" or "fatal");
        // The role grants no leases: said once, naming what to grant, and the restore went on.
        var warning = Assert.Single(lines, l => l.Level == "warn");
        Assert.Contains($"User \"{User}\" cannot get resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"demo\"", warning.Message, StringComparison.Ordinal);
        Assert.Contains("coordination.k8s.io leases get/create/update", warning.Message, StringComparison.Ordinal);
        Assert.Contains("docs/install.md#lease-claims", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>Everything refused to the service account: only the Lease each pod looked for first.</summary>
    private static void AssertRefusedOnlyLeases(TestApiServer.TestApiServer server, string session, params string[] components)
    {
        var refused = server.Requests.Where(r => r.User == User && r.StatusCode == 403).Select(r => $"{r.Method} {r.PathAndQuery}").Order().ToList();
        Assert.Equal([.. components.Select(c => $"GET /apis/coordination.k8s.io/v1/namespaces/demo/leases/kubestash-restore-{session}-{c}").Order()], refused);
        Assert.DoesNotContain(server.Requests, r => r.User == User && r.PathAndQuery.Contains("stash.appscode.com", StringComparison.Ordinal));
    }

    [RequiresCrdsFact]
    public async Task Workload_restore_Function_pods_restore_their_components_under_kubestash_restore_job()
    {
        await using var server = await ServerAsync(backups, KubeStashRestoreSessions.SampleRestoreJson);
        RemoveSources(0);
        RemoveSources(2);

        // One Job per component, as the operator runs a StatefulSet's; COMPONENT_NAME names it.
        var pods = await Task.WhenAll(
            RunJobPodAsync(server, "restore-sts-0", WorkloadRestoreArguments("sample-restore", "restore-sts-0"), "dump-pod-0"),
            RunJobPodAsync(server, "restore-sts-2", WorkloadRestoreArguments("sample-restore", "restore-sts-2"), "dump-pod-2"));

        AssertComponentRestored(server, "sample-restore", pods[0], 0);
        AssertComponentRestored(server, "sample-restore", pods[1], 2);
        AssertRefusedOnlyLeases(server, "sample-restore", "dump-pod-0", "dump-pod-2");
    }

    [RequiresCrdsFact]
    public async Task Pvc_restore_Function_pod_restores_the_selected_component_under_kubestash_restore_job()
    {
        var session = KubeStashRestoreSessions.SampleRestoreJson
            .Replace("\"name\":\"sample-restore\"", "\"name\":\"pvc-restore\"", StringComparison.Ordinal)
            .Replace("\"name\":\"workload-addon\"", "\"name\":\"pvc-addon\"", StringComparison.Ordinal)
            .Replace("\"snapshot\":\"latest\"", "\"snapshot\":\"latest\",\"components\":[\"dump-pod-0\"]", StringComparison.Ordinal);
        await using var server = await ServerAsync(backups, session);
        RemoveSources(0);

        // The PVC's Job: no COMPONENT_NAME; the one component the session selects is restored.
        var pod = await RunJobPodAsync(server, "restore-pvc-0", PvcRestoreArguments("pvc-restore", "restore-pvc-0"), component: null);

        AssertComponentRestored(server, "pvc-restore", pod, 0);
        AssertRefusedOnlyLeases(server, "pvc-restore", "dump-pod-0");
    }
}
