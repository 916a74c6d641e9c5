using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// <c>run-hook</c> with the hook container's arguments when it cannot run the hook: a backup hook or no hook
/// type is invalid input, and a postRestore hook with no outcome of the restore anywhere is a missing dependency —
/// each one line, the hook never run, no condition written.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class RunHookCommandTests(RestoreJobCluster jobs) : IClassFixture<RestoreJobCluster>
{
    private static string Hooks(string mark) => $$$"""
        "preRestore":{"exec":{"command":["/bin/sh","-c","touch {{{mark}}}"]}},
        "postRestore":{"executionPolicy":"Always","exec":{"command":["/bin/sh","-c","touch {{{mark}}}"]}}
        """;

    [RequiresCrdsTheory]
    [InlineData("--hook-type=preBackup", "--hook-type \"preBackup\" is not preRestore or postRestore (backup hooks are Stash's own image's)")]
    [InlineData("--hook-type=", "--hook-type is required: preRestore or postRestore")]
    [InlineData("--backupsession=nightly-1", "--backupsession=nightly-1: stash-restore runs restore hooks only; backup hooks are Stash's own image's")]
    public async Task A_backup_hook_or_no_hook_type_exits_2_with_one_line_and_runs_nothing(string argument, string message)
    {
        var mark = Path.Combine(jobs.Cluster.Repository.Root, $"hook-ran-{Guid.NewGuid():N}");
        var rig = jobs.NewJob(Hooks(mark));
        var name = argument[..(argument.IndexOf('=', StringComparison.Ordinal) + 1)];
        string[] arguments = [.. rig.RunHookArguments("preRestore").Select(a => a.StartsWith(name, StringComparison.Ordinal) ? argument : a)];

        var hook = await rig.RunAsync(arguments);

        Assert.Equal(ExitCodes.InvalidInput, hook.ExitCode);
        Assert.Equal(message, RestoreJob.Messages(hook));
        Assert.False(File.Exists(mark));
        Assert.Null(rig.Session()["status"]);
    }

    /// <summary>postRestore runs after update-status: with neither output.json nor the session's entry for the host it cannot apply its policy.</summary>
    [RequiresCrdsFact]
    public async Task A_post_restore_hook_with_no_outcome_of_the_host_exits_3_naming_where_it_looked()
    {
        var mark = Path.Combine(jobs.Cluster.Repository.Root, $"hook-ran-{Guid.NewGuid():N}");
        var rig = jobs.NewJob(Hooks(mark));

        var hook = await rig.RunAsync(rig.RunHookArguments("postRestore"));

        Assert.Equal(ExitCodes.DependencyUnavailable, hook.ExitCode);
        Assert.Equal(
            $"no outcome of host \"host-0\" for the postRestore hook: {rig.OutputFile} does not hold it, and the RestoreSession's status has no entry for it",
            RestoreJob.Messages(hook));
        Assert.False(File.Exists(mark));
        Assert.Null(rig.Condition("PostRestoreHookExecutionSucceeded"));
    }
}
