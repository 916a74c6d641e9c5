using System.Globalization;
using Stash.Restore.Core.Execution;
using Stash.Restore.Core.Model;

namespace Stash.Restore.Core.Hooks;

/// <summary>When the postRestore hook runs, and the session condition that records a hook's result.</summary>
internal static class HookPolicy
{
    public const string Always = "Always";
    public const string OnSuccess = "OnSuccess";
    public const string OnFailure = "OnFailure";

    public const string PreRestoreConditionType = "PreRestoreHookExecutionSucceeded";
    public const string PostRestoreConditionType = "PostRestoreHookExecutionSucceeded";

    /// <summary>
    /// postRestore's <c>executionPolicy</c>: <c>Always</c> (default, also when empty), <c>OnSuccess</c>
    /// or <c>OnFailure</c>, spelled as the CRD's enum spells them.
    /// </summary>
    /// <exception cref="InvalidInputException">Any other value.</exception>
    public static bool ShouldRunPostRestore(string? executionPolicy, bool restoreSucceeded) =>
        executionPolicy switch
        {
            null or "" or Always => true,
            OnSuccess => restoreSucceeded,
            OnFailure => !restoreSucceeded,
            _ => throw new InvalidInputException(
                $"spec.hooks.postRestore.executionPolicy \"{executionPolicy}\" is not one of {Always}, {OnSuccess}, {OnFailure}"),
        };

    /// <summary>
    /// The session condition for one host's hook result, e.g. type <c>PreRestoreHookExecutionSucceeded</c>,
    /// status <c>False</c>, reason <c>FailedToExecutePreRestoreHook</c>, message
    /// <c>host "host-1": preRestore hook failed: exit code 3</c>. <paramref name="result"/>'s message is
    /// expected to be masked already (<see cref="HookExecutor"/> masks it).
    /// </summary>
    public static Condition Condition(HookStage stage, HookResult result, string hostname, TimeProvider timeProvider)
    {
        var (type, name) = stage switch
        {
            HookStage.PreRestore => (PreRestoreConditionType, "PreRestore"),
            HookStage.PostRestore => (PostRestoreConditionType, "PostRestore"),
            _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
        };
        var stageName = StageName(stage);
        return new Condition
        {
            Type = type,
            Status = result.Succeeded ? "True" : "False",
            Reason = result.Succeeded ? $"SuccessfullyExecuted{name}Hook" : $"FailedToExecute{name}Hook",
            Message = result.Succeeded
                ? $"host \"{hostname}\": {stageName} hook executed successfully"
                : $"host \"{hostname}\": {stageName} hook failed: {result.Message}",
            // metav1.Time: RFC 3339 in UTC with second precision, as the API server writes it.
            LastTransitionTime = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The stage as the CRD spells it: <c>preRestore</c> / <c>postRestore</c>.</summary>
    public static string StageName(HookStage stage) => stage switch
    {
        HookStage.PreRestore => "preRestore",
        HookStage.PostRestore => "postRestore",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };
}
