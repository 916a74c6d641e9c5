using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.Hooks;

public sealed class HookPolicyTests
{
    [Theory]
    [InlineData(null, true, true)]
    [InlineData(null, false, true)]
    [InlineData("", false, true)]
    [InlineData("Always", true, true)]
    [InlineData("Always", false, true)]
    [InlineData("OnSuccess", true, true)]
    [InlineData("OnSuccess", false, false)]
    [InlineData("OnFailure", true, false)]
    [InlineData("OnFailure", false, true)]
    public void Post_restore_runs_per_execution_policy(string? policy, bool restoreSucceeded, bool runs) =>
        Assert.Equal(runs, HookPolicy.ShouldRunPostRestore(policy, restoreSucceeded));

    [Theory]
    [InlineData("Never")]
    [InlineData("onsuccess")]
    public void An_unknown_policy_is_invalid_input(string policy)
    {
        var error = Assert.Throws<InvalidInputException>(() => HookPolicy.ShouldRunPostRestore(policy, true));
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.Contains($"\"{policy}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("Always, OnSuccess, OnFailure", error.Message, StringComparison.Ordinal);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly TimeProvider Noon = new FixedTime(new DateTimeOffset(2026, 11, 21, 12, 0, 5, 250, TimeSpan.FromHours(2)));

    [Fact]
    public void A_failed_pre_restore_hook_becomes_a_false_condition_naming_the_host()
    {
        var condition = StashHookConditions.Condition(HookStage.PreRestore, new HookResult(false, "exit code 3"), "host-1", Noon);

        Assert.Equal("PreRestoreHookExecutionSucceeded", condition.Type);
        Assert.Equal("False", condition.Status);
        Assert.Equal("FailedToExecutePreRestoreHook", condition.Reason);
        Assert.Equal("host \"host-1\": preRestore hook failed: exit code 3", condition.Message);
        Assert.Equal("2026-11-21T10:00:05Z", condition.LastTransitionTime);
    }

    [Fact]
    public void A_successful_post_restore_hook_becomes_a_true_condition()
    {
        var condition = StashHookConditions.Condition(HookStage.PostRestore, new HookResult(true, "HTTP 200 from GET http://x"), "db-0", Noon);

        Assert.Equal("PostRestoreHookExecutionSucceeded", condition.Type);
        Assert.Equal("True", condition.Status);
        Assert.Equal("SuccessfullyExecutedPostRestoreHook", condition.Reason);
        Assert.Equal("host \"db-0\": postRestore hook executed successfully", condition.Message);
    }

    [Fact]
    public void A_failed_post_restore_hook_has_the_failed_reason()
    {
        var condition = StashHookConditions.Condition(HookStage.PostRestore, new HookResult(false, "timed out after 5m0s"), "db-0", Noon);

        Assert.Equal("False", condition.Status);
        Assert.Equal("FailedToExecutePostRestoreHook", condition.Reason);
        Assert.Equal("host \"db-0\": postRestore hook failed: timed out after 5m0s", condition.Message);
    }
}
