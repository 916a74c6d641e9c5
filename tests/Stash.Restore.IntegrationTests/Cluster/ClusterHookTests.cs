using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>preRestore/postRestore hooks in the in-cluster flow: conditions across hosts, exec in another container.</summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class ClusterHookTests
{
    private static JsonObject SessionWithHooks(ClusterRig rig, string hooksJson) => rig.Server.Put($$$$"""
        {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"hooked","namespace":"demo"},
         "spec":{"repository":{"name":"test-repo"},
                 "hooks":{ {{{{hooksJson}}}} },
                 "target":{"ref":{"apiVersion":"apps/v1","kind":"StatefulSet","name":"app"},
                           "rules":[{"paths":["{{{{rig.DataPath}}}}"],"sourceHost":"host-0"}]}}}
        """);

    private static JsonObject? Condition(ClusterRig rig, string type) =>
        rig.Session("hooked")["status"]?["conditions"]?.AsArray().SingleOrDefault(c => (string?)c!["type"] == type)?.AsObject();

    [RequiresCrdsFact]
    public async Task A_failing_preRestore_hook_on_one_host_skips_its_restore_and_its_false_condition_survives_another_hosts_success()
    {
        await using var rig = await ClusterRig.StartAsync();
        SessionWithHooks(rig, """
            "preRestore":{"exec":{"command":["/bin/sh","-c","echo checking {{ .Hostname }}; [ {{ .Hostname }} != host-1 ] || { echo host-1 is not ready >&2; exit 3; }"]}}
            """);
        var target1 = Path.Combine(rig.Repository.Root, "restored-1");
        var failed = await rig.RestoreAsync("app-1", target1, session: "hooked");
        var target0 = Path.Combine(rig.Repository.Root, "restored-0");
        var succeeded = await rig.RestoreAsync("app-0", target0, session: "hooked");

        Assert.Equal(ExitCodes.RestoreFailed, failed.ExitCode);
        Assert.True(succeeded.ExitCode == ExitCodes.Success, succeeded.ToString());
        Assert.False(Directory.Exists(target1), "host-1 restored data although its preRestore hook failed");
        Assert.Equal(1, rig.ResticRestoreCalls);
        var host1 = rig.Stats("hooked").Single(s => (string?)s!["hostname"] == "host-1")!;
        Assert.Equal("Failed", (string?)host1["phase"]);
        Assert.StartsWith("preRestore hook failed: ", (string?)host1["error"]);
        Assert.Contains("exit code 3", (string?)host1["error"]);
        var condition = Condition(rig, "PreRestoreHookExecutionSucceeded")!;
        Assert.Equal(("False", "FailedToExecutePreRestoreHook"), ((string?)condition["status"], (string?)condition["reason"]));
        Assert.Contains("host-1", (string?)condition["message"]);
    }

    /// <summary>
    /// In-process, and as a real process whose TLS trusts the kubeconfig's CA alone: its system store
    /// left unread (SystemCertificateStore) and, here, holding nothing that could vouch for the server.
    /// pods/exec is a WebSocket, with TLS set up apart from the API client's.
    /// </summary>
    [RequiresCrdsTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_exec_hook_for_another_container_runs_through_pods_exec_and_postRestore_sees_the_outcome(bool asProcess)
    {
        await using var rig = await ClusterRig.StartAsync();
        rig.Server.Put("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"app-0","namespace":"demo"},
             "spec":{"initContainers":[{"name":"stash-init","image":"stash"}],"containers":[{"name":"app","image":"app"}]}}
            """);
        var marker = Path.Combine(rig.Repository.Root, "post-hook-ran");
        SessionWithHooks(rig, """
            "postRestore":{"containerName":"app","exec":{"command":["/bin/sh","-c","echo '{{ .Name }} {{ .Hostname }} {{ .Status.Phase }}' > MARKER"]}}
            """.Replace("MARKER", marker, StringComparison.Ordinal));
        var target = Path.Combine(rig.Repository.Root, "restored");
        var emptyStore = Path.Combine(rig.Repository.Root, "empty-system-store.pem");
        File.WriteAllText(emptyStore, "");
        var result = asProcess
            ? await rig.RestoreAsProcessAsync("app-0", target, new Dictionary<string, string> { ["SSL_CERT_FILE"] = emptyStore, ["SSL_CERT_DIR"] = emptyStore }, session: "hooked")
            : await rig.RestoreAsync("app-0", target, session: "hooked");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("hooked host-0 Succeeded", File.ReadAllText(marker).Trim());
        Assert.Contains(rig.Server.Requests, r => r.PathAndQuery.StartsWith("/api/v1/namespaces/demo/pods/app-0/exec", StringComparison.Ordinal) && r.PathAndQuery.Contains("container=app"));
        Assert.Equal("True", (string?)Condition(rig, "PostRestoreHookExecutionSucceeded")!["status"]);
    }
    /// <summary>
    /// Another executor takes the host's Lease while restic runs (as when this pod's renewals were
    /// lost): restic is stopped, the postRestore hook (policy Always, it would leave a mark) never
    /// runs, and the host is recorded Failed with the reason and a Warning Event.
    /// </summary>
    [RequiresCrdsFact]
    public async Task A_claim_lost_during_restic_stops_it_skips_the_postRestore_hook_and_records_the_host_failed()
    {
        // 6 MiB more data, restored at 256 KiB/s: about 24 s, far longer than the renewal (every 5 s) that finds the Lease taken.
        await using var rig = await ClusterRig.StartAsync(moreData: tree =>
        {
            for (var i = 0; i < 24; i++)
                tree.RandomFile($"bulk/part-{i:D2}.bin", 256 * 1024, seed: 900 + i);
        });
        File.WriteAllText(rig.SlowMarker, "256");
        var marker = Path.Combine(rig.Repository.Root, "post-hook-ran");
        SessionWithHooks(rig, $$$"""
            "postRestore":{"executionPolicy":"Always","exec":{"command":["touch","{{{marker}}}"]}}
            """);
        var target = Path.Combine(rig.Repository.Root, "restored");
        var leaseName = Core.Cluster.LeaseUnitClaims.LeaseName("hooked", "host-0", Core.Families.Stash.StashObjects.ClaimScope);

        var restore = rig.RestoreAsync("app-0", target, session: "hooked");
        await WaitUntilAsync(() => (string?)rig.Stats("hooked").SingleOrDefault()?["phase"] == "Running"
            && rig.Server.Get("coordination.k8s.io/v1", "Lease", ClusterRig.Namespace, leaseName) is not null);
        var lease = rig.Server.Get("coordination.k8s.io/v1", "Lease", ClusterRig.Namespace, leaseName)!;
        lease["spec"]!["holderIdentity"] = "app-1_thief";
        lease["spec"]!["renewTime"] = Core.Cluster.LeaseUnitClaims.MicroTime(DateTimeOffset.UtcNow.AddMinutes(5));
        rig.Server.Put(lease);
        var result = await restore.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(File.Exists(marker), "the postRestore hook ran after the claim was lost:\n" + result.Error);
        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        var host0 = rig.Stats("hooked").Single()!;
        Assert.Equal("Failed", (string?)host0["phase"]);
        Assert.StartsWith("lost the claim on this unit to another executor; restic was stopped", (string?)host0["error"]);
        Assert.Contains(rig.Server.List("v1", "Event", ClusterRig.Namespace),
            e => (string?)e["reason"] == "HostRestoreFailed" && ((string?)e["message"] ?? "").Contains("lost the claim", StringComparison.Ordinal));
        Assert.Contains("The postRestore hook is not run: lost the claim", result.Error);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
            await Task.Delay(100, patience.Token);
    }
}
