namespace Stash.Restore.Core.Input;

/// <summary>The values of Stash's <c>--restore-model</c>: how the operator runs the executor.</summary>
internal static class RestoreModels
{
    /// <summary>Injected into the workload: every replica runs one, and replicas of one host take turns.</summary>
    public const string InitContainer = "init-container";

    /// <summary>A restore Job: one pod per host, as Stash runs volumeClaimTemplates restores.</summary>
    public const string Job = "job";
}
