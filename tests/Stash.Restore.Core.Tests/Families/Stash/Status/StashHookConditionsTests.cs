using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>The RestoreSession condition a host's hook outcome becomes, as Stash writes it.</summary>
public sealed class StashHookConditionsTests
{
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
