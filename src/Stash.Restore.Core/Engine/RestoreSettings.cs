using Stash.Restore.Core.Processes.Cgroups;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Engine;

/// <summary>Per-run settings from the command line, the same for every family.</summary>
/// <param name="TargetDirectory">Root to restore under: <c>/</c> in a pod, another directory for inspection.</param>
/// <param name="ScratchDirectory">Cache, TMPDIR and credential files.</param>
/// <param name="PriorityOverride">nice/ionice from the operator's environment; wins over the session's settings.</param>
internal sealed record RestoreSettings(
    string TargetDirectory,
    string ScratchDirectory,
    bool EnableCache = true,
    int? MaxConnections = null,
    bool Verify = false,
    ProcessPriority? PriorityOverride = null,
    bool FailOnMetadataErrors = false)
{
    /// <summary>See <see cref="Restic.ResticRestoreOptions.RepositoryTimeout"/> (<c>--repository-timeout</c>).</summary>
    public TimeSpan? RepositoryTimeout { get; init; }

    /// <summary>See <see cref="Restic.ResticRestoreOptions.StallTimeout"/> (<c>--stall-timeout</c>).</summary>
    public TimeSpan? StallTimeout { get; init; }

    /// <summary>See <see cref="Restic.ResticRestoreOptions.SkipSpaceCheck"/> (<c>--skip-space-check</c>).</summary>
    public bool SkipSpaceCheck { get; init; }

    /// <summary>A dry run also asks restic (≥ 0.17) what each call would change in the target (<c>--preview</c>, default true).</summary>
    public bool Preview { get; init; } = true;

    /// <summary>See <see cref="Restic.ResticRestoreOptions.Container"/>: read once per run from the executor's cgroup.</summary>
    public ContainerLimits Container { get; init; } = ContainerLimits.None;

    /// <summary>See <see cref="Restic.ResticRestoreOptions.InheritedGoVariables"/>.</summary>
    public IReadOnlyDictionary<string, string> InheritedGoVariables { get; init; } = Restic.GoRuntimeEnvironment.NoneInherited;

    /// <summary>restic's options given the session's own choices (its nice/ionice, whether it allows a cache).</summary>
    public Restic.ResticRestoreOptions ResticOptions(ProcessPriority? sessionPriority, bool sessionAllowsCache) =>
        new(TargetDirectory, ScratchDirectory, EnableCache && sessionAllowsCache, MaxConnections, PriorityOverride ?? sessionPriority, Resume: false, Verify)
        {
            FailOnMetadataErrors = FailOnMetadataErrors,
            RepositoryTimeout = RepositoryTimeout,
            StallTimeout = StallTimeout,
            SkipSpaceCheck = SkipSpaceCheck,
            Container = Container,
            InheritedGoVariables = InheritedGoVariables,
        };
}
