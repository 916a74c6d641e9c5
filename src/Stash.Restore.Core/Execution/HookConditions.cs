using System.Globalization;
using Stash.Restore.Core.Model;

namespace Stash.Restore.Core.Execution;

/// <summary>Hook semantics the pipeline applies: postRestore's executionPolicy and the conditions written.</summary>
internal static class HookConditions
{
    public static bool ShouldRunPostRestore(string? executionPolicy, bool restoreSucceeded) => executionPolicy switch
    {
        null or "" or "Always" => true,
        "OnSuccess" => restoreSucceeded,
        "OnFailure" => !restoreSucceeded,
        _ => throw new InvalidInputException($"spec.hooks.postRestore.executionPolicy \"{executionPolicy}\" is not Always, OnSuccess or OnFailure"),
    };

    public static Condition For(HookStage stage, string host, HookResult result, TimeProvider clock)
    {
        var name = stage == HookStage.PreRestore ? "PreRestore" : "PostRestore";
        var hookName = stage == HookStage.PreRestore ? "preRestore" : "postRestore";
        return new Condition
        {
            Type = $"{name}HookExecutionSucceeded",
            Status = result.Succeeded ? "True" : "False",
            Reason = result.Succeeded ? $"SuccessfullyExecuted{name}Hook" : $"FailedToExecute{name}Hook",
            Message = result.Succeeded
                ? $"host \"{host}\": {hookName} hook executed successfully"
                : $"host \"{host}\": {hookName} hook failed: {result.Message}",
            LastTransitionTime = clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
    }
}
