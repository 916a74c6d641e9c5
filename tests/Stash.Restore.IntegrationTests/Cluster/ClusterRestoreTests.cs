using System.Diagnostics;
using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Metrics;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Stash.Restore.TestApiServer;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// The in-cluster flow end to end: the executor binary's command tree, the test API server over
/// real HTTPS with the real CRD schemas, and real restic.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class ClusterRestoreTests
{
    private static string NewTarget(ClusterRig rig, string name) => Path.Combine(rig.Repository.Root, "restored-" + name);

    [RequiresCrdsFact]
    public async Task Restores_records_running_then_succeeded_and_creates_an_event()
    {
        await using var rig = await ClusterRig.StartAsync();
        var target = NewTarget(rig, "a");
        var result = await rig.RestoreAsync("app-7f9c-abcde", target);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        // Every line names the session, the host claim's included (it used to say "[demo/ host-0]").
        Assert.Matches(@"\[demo/app-restore host-0\] Claimed host host-0 \(Lease demo/", result.Error);
        var entry = Assert.Single(rig.Stats())!;
        Assert.Equal("host-0", (string?)entry["hostname"]);
        Assert.Equal("Succeeded", (string?)entry["phase"]);
        Assert.Matches(@"^[0-9.]+(ms|s)$|^\d+m[0-9.]+s$", (string?)entry["duration"]);
        Assert.Null(rig.Session()["status"]?["phase"]);

        var statusWrites = rig.Server.Requests.Where(r => r.PathAndQuery.Contains("/restoresessions/app-restore/status") && r.Method is "PUT" or "PATCH").ToList();
        var running = statusWrites.FindIndex(r => r.Body?.Contains("\"Running\"") == true);
        var succeeded = statusWrites.FindIndex(r => r.Body?.Contains("\"Succeeded\"") == true);
        Assert.True(running >= 0 && succeeded > running, "expected a Running write before the Succeeded one");

        var restoreEvent = Assert.Single(rig.Server.List("v1", "Event", ClusterRig.Namespace), e => (string?)e["reason"] == "HostRestoreSucceeded");
        Assert.Equal("app-restore", (string?)restoreEvent["involvedObject"]?["name"]);
        Assert.Equal("Normal", (string?)restoreEvent["type"]);
        Assert.Contains("host-0", (string?)restoreEvent["message"]);
    }

    [RequiresCrdsFact]
    public async Task A_failed_restore_keeps_its_error_through_schema_pruning_and_exits_1()
    {
        await using var rig = await ClusterRig.StartAsync();
        File.WriteAllText(rig.FailNextMarker, "");
        var result = await rig.RestoreAsync("app-1", NewTarget(rig, "f"));

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var entry = Assert.Single(rig.Stats())!.AsObject();
        Assert.Equal(["duration", "error", "hostname", "phase"], entry.Select(p => p.Key).Order());
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.Contains("injected failure", (string?)entry["error"]);
        Assert.Contains(rig.Server.List("v1", "Event", ClusterRig.Namespace), e => (string?)e["type"] == "Warning" && (string?)e["reason"] == "HostRestoreFailed");
    }

    [RequiresCrdsFact]
    public async Task Missing_objects_exit_3_with_a_one_line_message_naming_them()
    {
        await using var rig = await ClusterRig.StartAsync();
        var missingSession = await rig.RestoreAsync("app-1", NewTarget(rig, "m1"), session: "nope");
        Assert.Equal(ExitCodes.DependencyUnavailable, missingSession.ExitCode);
        Assert.Contains("restoresessions.stash.appscode.com \"nope\" not found", missingSession.Error);

        rig.Server.Delete("v1", "Secret", ClusterRig.Namespace, "repo-secret");
        var missingSecret = await rig.RestoreAsync("app-1", NewTarget(rig, "m2"));
        Assert.Equal(ExitCodes.DependencyUnavailable, missingSecret.ExitCode);
        Assert.Contains("secrets \"repo-secret\" not found", missingSecret.Error);

        rig.Server.Delete("stash.appscode.com/v1alpha1", "Repository", ClusterRig.Namespace, "test-repo");
        var missingRepository = await rig.RestoreAsync("app-1", NewTarget(rig, "m3"));
        Assert.Equal(ExitCodes.DependencyUnavailable, missingRepository.ExitCode);
        Assert.Contains("repositories.stash.appscode.com \"test-repo\" not found", missingRepository.Error);
        Assert.Empty(rig.Stats());
        Assert.Equal(0, rig.ResticRestoreCalls);
    }

    [RequiresCrdsFact]
    public async Task Rejected_credentials_and_missing_permissions_are_named()
    {
        await using var rig = await ClusterRig.StartAsync();
        var readOnly = rig.Server.AddToken("system:serviceaccount:demo:reader", new AccessRule("get", "*", "*"), new AccessRule("list", "*", "*"));
        var forbidden = await rig.RestoreAsync("app-1", NewTarget(rig, "p"), kubeconfig: rig.Server.WriteKubeconfig(Path.Combine(rig.Repository.Root, "kc-ro"), readOnly));
        Assert.Equal(ExitCodes.DependencyUnavailable, forbidden.ExitCode);
        Assert.Contains("forbidden", forbidden.Error);
        Assert.Contains("system:serviceaccount:demo:reader", forbidden.Error);
        Assert.DoesNotContain(readOnly, forbidden.Error);

        var unknown = await rig.RestoreAsync("app-1", NewTarget(rig, "u"), kubeconfig: rig.Server.WriteKubeconfig(Path.Combine(rig.Repository.Root, "kc-bad"), "no-such-token-123456"));
        Assert.Equal(ExitCodes.DependencyUnavailable, unknown.ExitCode);
        Assert.Contains("credentials", unknown.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("no-such-token-123456", unknown.Error);
    }

    [RequiresCrdsFact]
    public async Task Three_replicas_of_host_0_restore_once_and_all_exit_0()
    {
        await using var rig = await ClusterRig.StartAsync();
        var results = await Task.WhenAll(new[] { "app-a", "app-b", "app-c" }.Select(pod => rig.RestoreAsync(pod, NewTarget(rig, pod))));

        Assert.All(results, r => Assert.True(r.ExitCode == ExitCodes.Success, r.ToString()));
        Assert.Equal(1, rig.ResticRestoreCalls);
        var entry = Assert.Single(rig.Stats())!;
        Assert.Equal(("host-0", "Succeeded"), ((string?)entry["hostname"], (string?)entry["phase"]));
    }

    [RequiresCrdsFact]
    public async Task When_the_first_replica_fails_another_takes_over_and_succeeds()
    {
        await using var rig = await ClusterRig.StartAsync();
        File.WriteAllText(rig.FailNextMarker, "");
        var results = await Task.WhenAll(new[] { "app-a", "app-b", "app-c" }.Select(pod => rig.RestoreAsync(pod, NewTarget(rig, pod))));

        Assert.Equal(1, results.Count(r => r.ExitCode == ExitCodes.RestoreFailed));
        Assert.Equal(2, results.Count(r => r.ExitCode == ExitCodes.Success));
        Assert.Equal(2, rig.ResticRestoreCalls);
        Assert.Contains(File.ReadAllLines(rig.CallLog), l => l.StartsWith("restore ", StringComparison.Ordinal) && l.Contains("--overwrite if-changed"));
        Assert.Equal("Succeeded", (string?)Assert.Single(rig.Stats())!["phase"]);
    }

    [RequiresCrdsFact]
    public async Task A_rerun_after_success_does_not_run_restic_and_after_failure_runs_it_again()
    {
        await using var rig = await ClusterRig.StartAsync();
        rig.PutSession("done", status: """{"stats":[{"hostname":"host-0","phase":"Succeeded","duration":"3s"}]}""");
        var skipped = await rig.RestoreAsync("app-1", NewTarget(rig, "s"), session: "done");
        Assert.Equal(ExitCodes.Success, skipped.ExitCode);
        Assert.Equal(0, rig.ResticRestoreCalls);

        rig.PutSession("retry", status: """{"stats":[{"hostname":"host-0","phase":"Failed","duration":"3s","error":"terminated by SIGTERM"}]}""");
        var target = NewTarget(rig, "r");
        var retried = await rig.RestoreAsync("app-1", target, session: "retry");
        Assert.True(retried.ExitCode == ExitCodes.Success, retried.ToString());
        Assert.Equal(1, rig.ResticRestoreCalls);
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        Assert.Equal("Succeeded", (string?)Assert.Single(rig.Stats("retry"))!["phase"]);
    }

    [RequiresKubectlFact]
    public async Task Kubectl_reads_the_session_and_the_status_the_executor_wrote()
    {
        await using var rig = await ClusterRig.StartAsync();
        Assert.Equal(ExitCodes.Success, (await rig.RestoreAsync("app-1", NewTarget(rig, "k"))).ExitCode);

        var kubectl = Process.Start(new ProcessStartInfo("kubectl", ["--kubeconfig", rig.Kubeconfig, "get", "restoresession", "app-restore", "-n", "demo", "-o", "jsonpath={.status.stats[0].hostname} {.status.stats[0].phase}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await kubectl.StandardOutput.ReadToEndAsync();
        var error = await kubectl.StandardError.ReadToEndAsync();
        await kubectl.WaitForExitAsync();
        Assert.True(kubectl.ExitCode == 0, error);
        Assert.Equal("host-0 Succeeded", output.Trim());
    }

    [RequiresCrdsFact]
    public async Task The_operators_invoker_argument_list_restores_and_pushes_metrics()
    {
        await using var rig = await ClusterRig.StartAsync();
        await using var pushgateway = new TestPushgateway();
        rig.Server.Put($$$$"""
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"sts-restore","namespace":"demo"},
             "spec":{"repository":{"name":"test-repo"},
                     "target":{"ref":{"apiVersion":"apps/v1","kind":"StatefulSet","name":"recovered-sts"},
                               "rules":[{"paths":["{{{{rig.DataPath}}}}"],"sourceHost":"host-0"}]}}}
            """);
        var target = NewTarget(rig, "op");
        var args = $"restore --invoker-kind=RestoreSession --invoker-name=sts-restore --target-kind=StatefulSet --target-name=recovered-sts --target-namespace=demo --enable-cache=true --max-connections=0 --metrics-enabled=true --pushgateway-url={pushgateway.Url} --restore-model=init-container --use-kubeapiserver-fqdn-for-aks=true --logtostderr=true --alsologtostderr=false --v=3"
            .Split(' ').Concat(["--target-dir", target, "--scratch-dir", Path.Combine(rig.Repository.Root, "scratch-op")]).ToArray();
        var result = await CliHarness.RunAsync(new Dictionary<string, string>
        {
            ["PATH"] = $"{rig.WrapperDirectory}:{Environment.GetEnvironmentVariable("PATH")}",
            ["POD_NAME"] = "recovered-sts-0",
            ["POD_NAMESPACE"] = "demo",
            ["KUBECONFIG"] = rig.Kubeconfig,
        }, args);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        Assert.Equal("host-0", (string?)Assert.Single(rig.Stats("sts-restore"))!["hostname"]);
        Assert.Contains("--use-kubeapiserver-fqdn-for-aks", result.Error);
        var push = Assert.Single(pushgateway.Requests);
        Assert.Equal("POST", push.Method);
        Assert.Equal("/metrics/job/restoresession-demo-sts-restore/hostname/host-0", push.RawPath);
        Assert.Contains("stash_restore_host_restore_success{", push.Body);
    }

    [RequiresCrdsFact]
    public async Task The_operators_session_argument_list_restores_with_a_mounted_secret_and_pushes_metrics()
    {
        await using var rig = await ClusterRig.StartAsync();
        await using var pushgateway = new TestPushgateway();
        // The Secret is mounted (--secret-dir), not readable through the API.
        rig.Server.Delete("v1", "Secret", ClusterRig.Namespace, "repo-secret");
        var secretDir = rig.Repository.CreateDirectory("mounted-secret");
        File.WriteAllText(Path.Combine(secretDir, "RESTIC_PASSWORD"), rig.Repository.Password);
        var target = NewTarget(rig, "op1");
        var args = $"restore --restore-session=app-restore --secret-dir={secretDir} --enable-cache=true --max-connections=0 --metrics-enabled=true --pushgateway-url={pushgateway.Url} --restore-model=init-container --enable-status-subresource=true --service-name=stash-operator --enable-analytics=true"
            .Split(' ').Concat(["--target-dir", target, "--scratch-dir", Path.Combine(rig.Repository.Root, "scratch-op1")]).ToArray();
        var result = await CliHarness.RunAsync(new Dictionary<string, string>
        {
            ["PATH"] = $"{rig.WrapperDirectory}:{Environment.GetEnvironmentVariable("PATH")}",
            ["POD_NAME"] = "app-5d8f7-x1",
            ["POD_NAMESPACE"] = "demo",
            ["KUBECONFIG"] = rig.Kubeconfig,
        }, args);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        Assert.Equal("Succeeded", (string?)Assert.Single(rig.Stats())!["phase"]);
        // One warning names every flag given that has no effect.
        Assert.Single(result.Error.Split('\n'),
            l => l.Contains("Flags --enable-status-subresource, --service-name, --enable-analytics are accepted for compatibility with Stash operators and have no effect", StringComparison.Ordinal));
        Assert.Equal("/metrics/job/restoresession-demo-app-restore/hostname/host-0", Assert.Single(pushgateway.Requests).RawPath);
    }

    [RequiresCrdsFact]
    public async Task A_dry_run_in_a_cluster_only_reads()
    {
        await using var rig = await ClusterRig.StartAsync();
        rig.Server.ClearRequests();
        var result = await rig.RestoreAsync("app-1", NewTarget(rig, "dry"), extra: ["--dry-run", "--output", "json"]);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("host-0", (string?)JsonNode.Parse(result.Output)!["hostname"]);
        Assert.All(rig.Server.Requests, r => Assert.Equal("GET", r.Method));
        Assert.Empty(rig.Stats());
        Assert.Equal(0, rig.ResticRestoreCalls);
        // restic was only asked what the restore would change, and said: every file is new in the empty target.
        Assert.Equal(1, rig.ResticPreviewCalls);
        Assert.True((long)JsonNode.Parse(result.Output)!["resticCalls"]![0]!["changes"]!["restored"]! > 0, result.Output);
    }

    [RequiresCrdsFact]
    public async Task A_target_that_does_not_match_the_operators_flags_is_invalid_input()
    {
        await using var rig = await ClusterRig.StartAsync();
        var result = await rig.RestoreAsync("app-1", NewTarget(rig, "x"), extra: ["--target-kind", "StatefulSet", "--target-name", "other"]);
        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("does not match --target-* flags: kind StatefulSet (session has Deployment), name other (session has app)", result.Error);
        Assert.Empty(rig.Stats());
    }
}
