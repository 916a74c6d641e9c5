using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>The session conditions Stash records hook results in (SPEC §8).</summary>
internal static class StashHookConditions
{
    public const string PreRestoreConditionType = "PreRestoreHookExecutionSucceeded";
    public const string PostRestoreConditionType = "PostRestoreHookExecutionSucceeded";

    /// <summary>
    /// The session condition for one host's hook result, e.g. type <c>PreRestoreHookExecutionSucceeded</c>,
    /// status <c>False</c>, reason <c>FailedToExecutePreRestoreHook</c>, message
    /// <c>host "host-1": preRestore hook failed: exit code 3</c>. <paramref name="result"/>'s message is
    /// expected to be masked already (<c>HookExecutor</c> masks it).
    /// </summary>
    public static Condition Condition(HookStage stage, HookResult result, string hostname, TimeProvider timeProvider)
    {
        var (type, name) = stage switch
        {
            HookStage.PreRestore => (PreRestoreConditionType, "PreRestore"),
            HookStage.PostRestore => (PostRestoreConditionType, "PostRestore"),
            _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
        };
        var stageName = HookPolicy.StageName(stage);
        return new Condition
        {
            Type = type,
            Status = result.Succeeded ? "True" : "False",
            Reason = result.Succeeded ? $"SuccessfullyExecuted{name}Hook" : $"FailedToExecute{name}Hook",
            Message = result.Succeeded
                ? $"host \"{hostname}\": {stageName} hook executed successfully"
                : $"host \"{hostname}\": {stageName} hook failed: {result.Message}",
            LastTransitionTime = Stash.Condition.TransitionTime(timeProvider.GetUtcNow()),
        };
    }
}
