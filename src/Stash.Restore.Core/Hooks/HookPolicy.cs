namespace Stash.Restore.Core.Hooks;

/// <summary>When the postRestore hook runs, and how stages are spelled.</summary>
internal static class HookPolicy
{
    public const string Always = "Always";
    public const string OnSuccess = "OnSuccess";
    public const string OnFailure = "OnFailure";

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

    /// <summary>The stage as the CRD spells it: <c>preRestore</c> / <c>postRestore</c>.</summary>
    public static string StageName(HookStage stage) => stage switch
    {
        HookStage.PreRestore => "preRestore",
        HookStage.PostRestore => "postRestore",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };
}
