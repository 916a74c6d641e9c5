using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// SPEC §15: a permission the operator does not grant never fails a restore that can do without it — an
/// Event that cannot be written is a warning — while the status write stays required: a 403 there is
/// exit 3, one line naming the verb, the resource and the role that grants it, and restic never runs.
/// One pod of <see cref="OperatorRbacRig"/>, under a role made for the test from the operator's.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class LeastPrivilegeTests
{
    private static string[] Arguments(OperatorRbacRig rig) =>
    [
        "restore", "--invoker-kind=RestoreSession", $"--invoker-name={OperatorRbacRig.Session}", $"--target-name={OperatorRbacRig.StatefulSet}",
        $"--target-namespace={OperatorRbacRig.Namespace}", "--target-kind=StatefulSet", "--logtostderr=true", "--v=3",
    ];


    [RequiresCrdsAndToolsFact]
    public async Task A_forbidden_status_write_is_exit_3_naming_verb_resource_and_the_role_and_restic_never_runs()
    {
        // The init-container's role, but the RestoreSession and its status only readable.
        var role = OperatorRbacRig.RoleFile("tests/rbac/stash/stash-restore-init-container.yaml")
            .Replace("""
                - apiGroups: [stash.appscode.com]
                  resources: ["*"]
                  verbs: ["*"]
                - apiGroups: [stash.appscode.com]
                  resources: ["*"]
                  verbs: ["*"]
                """, """
                - apiGroups: [stash.appscode.com]
                  resources: [restoresessions, restoresessions/status, repositories]
                  verbs: [get]
                """, StringComparison.Ordinal);
        Assert.DoesNotContain("resources: [\"*\"]", role, StringComparison.Ordinal);
        await using var rig = await OperatorRbacRig.StartAsync(role, "read-only-sessions");

        var pod = await rig.RunPodAsync($"{OperatorRbacRig.StatefulSet}-0", Arguments(rig));

        Assert.Equal(ExitCodes.DependencyUnavailable, pod.ExitCode);
        var error = Assert.Single(ExecutorLog.Lines(pod), l => l.Level == "error").Message;
        Assert.Contains($"User \"{rig.ServiceAccountUser}\" cannot patch resource \"restoresessions/status\" in API group \"stash.appscode.com\" in the namespace \"demo\"", error, StringComparison.Ordinal);
        Assert.Contains("stash-restore-init-container", error, StringComparison.Ordinal);
        Assert.Contains("docs/install.md#permissions", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(rig.DataPath(0)), "restic never ran: nothing was restored");
        Assert.Empty(rig.Stats());
    }

    [RequiresCrdsAndToolsFact]
    public async Task A_forbidden_event_is_a_warning_and_the_restore_succeeds()
    {
        var role = OperatorRbacRig.RoleFile("tests/rbac/stash/stash-restore-init-container.yaml")
            .Replace("""
                - apiGroups: [""]
                  resources: [events]
                  verbs: [create]
                """, "", StringComparison.Ordinal);
        Assert.DoesNotContain("events", role, StringComparison.Ordinal);
        await using var rig = await OperatorRbacRig.StartAsync(role, "no-events");

        var pod = await rig.RunPodAsync($"{OperatorRbacRig.StatefulSet}-2", Arguments(rig));

        Assert.True(pod.ExitCode == ExitCodes.Success, pod.ToString());
        TestTree.AssertEqual(rig.Original(2), rig.DataPath(2));
        Assert.Equal("Succeeded", (string?)rig.Stats().Single()!["phase"]);
        var lines = ExecutorLog.Lines(pod);
        Assert.DoesNotContain(lines, l => l.Level is "error" or "fatal");
        var warning = Assert.Single(lines, l => l.Level == "warn" && l.Message.Contains("Could not record event", StringComparison.Ordinal)).Message;
        Assert.Contains("cannot create resource \"events\"", warning, StringComparison.Ordinal);
        Assert.Empty(rig.Server.List("v1", "Event", OperatorRbacRig.Namespace));
    }
}
