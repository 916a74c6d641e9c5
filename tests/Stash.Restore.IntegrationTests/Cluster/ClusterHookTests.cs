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
}
