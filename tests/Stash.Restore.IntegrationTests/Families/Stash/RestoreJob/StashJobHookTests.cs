using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// A Job-model session's hooks in Stash's restore Job: <c>run-hook</c> containers before
/// <c>restore-pvc</c> and after <c>update-status</c>, with the container's exact arguments, the hooks'
/// usual rules (templates, <c>executionPolicy</c>, conditions) and the restore's outcome read from output.json.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class StashJobHookTests(RestoreJobCluster jobs) : IClassFixture<RestoreJobCluster>
{
    private static string Hooks(string marks, string preCommand, string postPolicy, string postCommand = "echo '{{ .Hostname }} {{ .Status.Phase }} {{ .Status.Error }}' > MARKS/post")
    {
        var pre = preCommand.Replace("MARKS", marks, StringComparison.Ordinal);
        var post = postCommand.Replace("MARKS", marks, StringComparison.Ordinal);
        return $$$$"""
            "preRestore":{"exec":{"command":["/bin/sh","-c","{{{{pre}}}}"]}},
            "postRestore":{"executionPolicy":"{{{{postPolicy}}}}","exec":{"command":["/bin/sh","-c","{{{{post}}}}"]}}
            """;
    }

    private const string MarkPre = "echo 'pre {{ .Name }} {{ .Hostname }} {{ .Target.Kind }}' > MARKS/pre";

    [RequiresCrdsFact]
    public async Task Pre_and_post_hooks_run_around_the_restore_and_record_their_conditions()
    {
        var marks = Directory.CreateTempSubdirectory("stash-job-hooks-").FullName;
        try
        {
            var rig = jobs.NewJob(Hooks(marks, MarkPre, "OnSuccess"));

            var pre = await rig.RunAsync(rig.RunHookArguments("preRestore"));
            Assert.True(pre.ExitCode == ExitCodes.Success, pre.ToString());
            Assert.Equal($"pre {rig.SessionName} host-0 PersistentVolumeClaim", File.ReadAllText(Path.Combine(marks, "pre")).Trim());
            var preCondition = rig.Condition("PreRestoreHookExecutionSucceeded")!;
            Assert.Equal(("True", "SuccessfullyExecutedPreRestoreHook", "host \"host-0\": preRestore hook executed successfully"),
                ((string?)preCondition["status"], (string?)preCondition["reason"], (string?)preCondition["message"]));
            Assert.Equal(0, rig.ResticRestoreCalls);

            Assert.Equal(ExitCodes.Success, (await rig.RunAsync(rig.RestorePvcArguments())).ExitCode);
            Assert.Equal(ExitCodes.Success, (await rig.RunAsync(rig.UpdateStatusArguments("http://127.0.0.1:9"))).ExitCode);

            var post = await rig.RunAsync(rig.RunHookArguments("postRestore"));
            Assert.True(post.ExitCode == ExitCodes.Success, post.ToString());
            Assert.Equal("host-0 Succeeded", File.ReadAllText(Path.Combine(marks, "post")).Trim());
            Assert.Equal("True", (string?)rig.Condition("PostRestoreHookExecutionSucceeded")!["status"]);
            Assert.Equal("Succeeded", (string?)Assert.Single(rig.Stats())!["phase"]);
        }
        finally
        {
            WorkDirectory.DeleteQuietly(marks);
        }
    }

    /// <summary>A failed restore: update-status exits 0 so the postRestore container runs; it runs the hook per policy and exits 1.</summary>
    [RequiresCrdsTheory]
    [InlineData("OnFailure", true)]
    [InlineData("OnSuccess", false)]
    public async Task After_a_failed_restore_the_post_hook_follows_its_policy_and_its_container_exits_1(string policy, bool runs)
    {
        var marks = Directory.CreateTempSubdirectory("stash-job-hooks-").FullName;
        try
        {
            var rig = jobs.NewJob(Hooks(marks, MarkPre, policy));
            File.WriteAllText(rig.Cluster.FailNextMarker, "");
            Assert.Equal(ExitCodes.Success, (await rig.RunAsync(rig.RestorePvcArguments())).ExitCode);
            var update = await rig.RunAsync(rig.UpdateStatusArguments("http://127.0.0.1:9"));
            Assert.True(update.ExitCode == ExitCodes.Success, update.ToString());
            var error = (string?)Assert.Single(rig.Stats())!["error"];
            Assert.Contains("injected failure", error, StringComparison.Ordinal);

            var post = await rig.RunAsync(rig.RunHookArguments("postRestore"));

            Assert.Equal(ExitCodes.RestoreFailed, post.ExitCode);
            Assert.Contains("The restore of host host-0 had failed", RestoreJob.Messages(post), StringComparison.Ordinal);
            var mark = Path.Combine(marks, "post");
            Assert.Equal(runs, File.Exists(mark));
            if (runs)
                Assert.Equal($"host-0 Failed {error}", File.ReadAllText(mark).Trim());
            Assert.Equal(runs, rig.Condition("PostRestoreHookExecutionSucceeded") is not null);
            // The hook succeeded or did not run: the host's entry is the restore's.
            Assert.Equal(("Failed", error), ((string?)rig.Stats()[0]!["phase"], (string?)rig.Stats()[0]!["error"]));
        }
        finally
        {
            WorkDirectory.DeleteQuietly(marks);
        }
    }

    [RequiresCrdsFact]
    public async Task A_failed_pre_hook_fails_the_host_and_a_failed_post_hook_fails_a_restored_host()
    {
        var marks = Directory.CreateTempSubdirectory("stash-job-hooks-").FullName;
        try
        {
            var rig = jobs.NewJob(Hooks(marks, "echo not ready >&2; exit 3", "Always", "echo cannot notify >&2; exit 4"));

            var pre = await rig.RunAsync(rig.RunHookArguments("preRestore"));

            // The pod stops here: restic never runs, update-status never runs, so the hook's container records the host.
            Assert.Equal(ExitCodes.RestoreFailed, pre.ExitCode);
            var entry = Assert.Single(rig.Stats())!;
            Assert.Equal("Failed", (string?)entry["phase"]);
            Assert.StartsWith("preRestore hook failed: ", (string?)entry["error"], StringComparison.Ordinal);
            Assert.Contains("exit code 3", (string?)entry["error"], StringComparison.Ordinal);
            Assert.Equal("False", (string?)rig.Condition("PreRestoreHookExecutionSucceeded")!["status"]);
            Assert.Single(rig.Events("HostRestoreFailed"));

            // Another Job's run: the data restored, then postRestore fails.
            rig.Cluster.Server.Delete("stash.appscode.com/v1beta1", "RestoreSession", ClusterRig.Namespace, rig.SessionName);
            rig.PutSession(Hooks(marks, "true", "Always", "echo cannot notify >&2; exit 4"));
            Assert.Equal(ExitCodes.Success, (await rig.RunAsync(rig.RestorePvcArguments())).ExitCode);
            Assert.Equal(ExitCodes.Success, (await rig.RunAsync(rig.UpdateStatusArguments("http://127.0.0.1:9"))).ExitCode);
            var post = await rig.RunAsync(rig.RunHookArguments("postRestore"));

            Assert.Equal(ExitCodes.RestoreFailed, post.ExitCode);
            TestTree.AssertEqual(rig.Cluster.Original, rig.RestoredData);
            var failed = Assert.Single(rig.Stats())!;
            Assert.Equal("Failed", (string?)failed["phase"]);
            Assert.StartsWith("postRestore hook failed: ", (string?)failed["error"], StringComparison.Ordinal);
            Assert.EndsWith("(the data was restored)", (string?)failed["error"], StringComparison.Ordinal);
            Assert.Equal("False", (string?)rig.Condition("PostRestoreHookExecutionSucceeded")!["status"]);
        }
        finally
        {
            WorkDirectory.DeleteQuietly(marks);
        }
    }
}
