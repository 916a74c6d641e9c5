using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Families.KubeStash;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// A KubeStash component restored in-cluster: the executor's command tree with the KubeStash
/// Function's exact arguments, the test API server over HTTPS with the real kubestash CRD schemas,
/// and real restic.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class KubeStashClusterRestoreTests(KubeStashStatefulSetBackups backups) : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private const string Namespace = "demo";
    private readonly WorkDirectory _work = new("kubestash-cluster-");

    public void Dispose() => _work.Dispose();

    private async Task<TestApiServer.TestApiServer> ServerAsync(bool withStorage = true)
    {
        var server = await TestApiServer.TestApiServer.StartAsync();
        foreach (var item in ((JsonArray)JsonNode.Parse(backups.ObjectsJson)!["items"]!).Select(i => i!.AsObject()))
        {
            if (withStorage || (string?)item["kind"] != "BackupStorage")
                server.Put((JsonObject)item.DeepClone());
        }
        var session = server.Put(KubeStashRestoreSessions.SampleRestoreJson);
        // The operator's fields and another executor's entry, which this run must leave alone.
        session["status"] = JsonNode.Parse("""
            {"phase":"Running","totalComponents":3,"restoreDeadline":"2099-01-01T00:00:00Z",
             "conditions":[{"type":"RestoreExecutorEnsured","status":"True","reason":"Ensured","lastTransitionTime":"2026-11-03T10:00:00Z"}],
             "components":{"dump-pod-1":{"phase":"Running"}}}
            """);
        server.Put(session);
        return server;
    }

    private Task<CliResult> RestoreAsync(TestApiServer.TestApiServer server, string component, string target) =>
        CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = component },
            "restore", "--namespace=demo", "--restoresession=sample-restore", "--snapshot=sts-repo-sts-backup-1", "--enable-cache=true",
            $"--scratch-dir={Path.Combine(_work.Path, "scratch")}", "--exclude=*.log,/nothing", "--include=",
            "--kubeconfig", server.WriteKubeconfig(Path.Combine(_work.Path, "kubeconfig")), "--target-dir", target, "--log-format", "text");

    [RequiresCrdsFact]
    public async Task The_Functions_exact_arguments_restore_the_component_and_write_only_its_entry_Running_then_Succeeded()
    {
        await using var server = await ServerAsync();
        var target = Path.Combine(_work.Path, "target");

        var result = await RestoreAsync(server, "dump-pod-0", target);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var restored = target + backups.SourcePath(0, "data");
        Assert.Equal(File.ReadAllText(Path.Combine(backups.Expected[("v1", 0, "data")], "app.db")), File.ReadAllText(Path.Combine(restored, "app.db")));
        Assert.False(File.Exists(Path.Combine(restored, "logs", "app.log")), "*.log was excluded");

        var status = server.Get("core.kubestash.com/v1alpha1", "RestoreSession", Namespace, "sample-restore")!["status"]!;
        var entry = status["components"]!["dump-pod-0"]!.AsObject();
        Assert.Equal("Succeeded", (string?)entry["phase"]);
        Assert.Matches(@"^[0-9.]+(ms|s)$|^\d+m[0-9.]+s$", (string?)entry["duration"]);
        Assert.Equal(["duration", "phase"], entry.Select(p => p.Key).Order());
        Assert.Equal("Running", (string?)status["components"]!["dump-pod-1"]!["phase"]);
        Assert.Equal("Running", (string?)status["phase"]);
        Assert.Equal(3, (int?)status["totalComponents"]);
        Assert.Equal("RestoreExecutorEnsured", (string?)status["conditions"]![0]!["type"]);

        var writes = server.Requests.Where(r => r.PathAndQuery.Contains("/restoresessions/sample-restore/status", StringComparison.Ordinal) && r.Method == "PATCH").ToList();
        var running = writes.FindIndex(r => r.Body?.Contains("\"Running\"", StringComparison.Ordinal) == true);
        var succeeded = writes.FindIndex(r => r.Body?.Contains("\"Succeeded\"", StringComparison.Ordinal) == true);
        Assert.True(running >= 0 && succeeded > running, "expected a Running merge patch before the Succeeded one");
        Assert.All(writes, w => Assert.DoesNotContain("totalComponents", w.Body ?? "", StringComparison.Ordinal));
    }

    [RequiresCrdsFact]
    public async Task A_missing_BackupStorage_is_exit_3_naming_it_and_no_status_is_written()
    {
        await using var server = await ServerAsync(withStorage: false);

        var result = await RestoreAsync(server, "dump-pod-0", Path.Combine(_work.Path, "t"));

        Assert.Equal(ExitCodes.DependencyUnavailable, result.ExitCode);
        Assert.Contains("local-storage", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.Method == "PATCH");
    }
}
