using Stash.Restore.Core.Processes.Cgroups;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Restic;

/// <summary>The restic binary that was found, and its version (features are gated on it).</summary>
internal sealed record ResticInstallation(string Path, Version Version)
{
    /// <summary>
    /// The backends this build has (restic's own prefixes: <c>azure</c>, <c>gs</c>, <c>s3</c>…), read
    /// from <c>restic options</c>; null when restic did not say, and then nothing is refused.
    /// </summary>
    public IReadOnlySet<string>? Backends { get; init; }

    /// <summary>
    /// The Go release restic was built with (<c>restic version</c>: "compiled with go1.24.4"); null when
    /// it did not say. Go before 1.25 ignores the container's CPU quota.
    /// </summary>
    public Version? GoVersion { get; init; }
}

/// <summary>Per-run choices that shape restic's argv.</summary>
/// <param name="TargetDirectory">Root to restore under: "/" in a pod, another directory for inspection.</param>
/// <param name="ScratchDirectory">Cache, TMPDIR and credential files live here.</param>
/// <param name="Resume">Retry of a Failed host: skip files already restored (restic ≥ 0.17).</param>
internal sealed record ResticRestoreOptions(
    string TargetDirectory,
    string ScratchDirectory,
    bool EnableCache,
    int? MaxConnections,
    ProcessPriority? Priority,
    bool Resume = false,
    bool Verify = false)
{
    /// <summary>
    /// When false (default), restic errors that only concern ownership/permission metadata
    /// (<c>lchown</c>/<c>chmod</c> "operation not permitted") are counted as warnings and do
    /// not fail the restore; data errors always do.
    /// </summary>
    public bool FailOnMetadataErrors { get; init; }

    /// <summary>
    /// How long restic may keep retrying to read the repository's <c>config</c> (server unreachable,
    /// certificate refused) before it is stopped and the unit fails with restic's last error; null or
    /// zero leaves restic to its own retries. Once the config is read it no longer applies.
    /// </summary>
    public TimeSpan? RepositoryTimeout { get; init; }

    /// <summary>
    /// How long restic may restore nothing while it reports retries or errors before it is stopped and the
    /// unit fails with restic's last error (<see cref="ResticStallWatch"/>); null or zero: never.
    /// </summary>
    public TimeSpan? StallTimeout { get; init; }

    /// <summary>Restore even when the snapshot's size exceeds the target's free space (<see cref="TargetSpaceCheck"/>); the figures are still read and named.</summary>
    public bool SkipSpaceCheck { get; init; }

    /// <summary>
    /// Mirror mode: each call also deletes what its snapshot lacks under the paths it restores
    /// (restic ≥ 0.17 <c>--delete</c>, kept inside them: see <see cref="ResticMirror"/>).
    /// </summary>
    public bool Mirror { get; init; }

    /// <summary>
    /// The calls only ask restic what they would do to the target as it is now (<c>restore --dry-run</c>,
    /// restic ≥ 0.17): <c>--overwrite if-changed</c>, no cache, no repository lock, nothing written.
    /// </summary>
    public bool DryRun { get; init; }

    /// <summary>These options as a preview of the same restore: <see cref="DryRun"/>, no cache, no <c>--verify</c> (restic refuses it with <c>--dry-run</c>).</summary>
    public ResticRestoreOptions ForPreview() => this with { DryRun = true, EnableCache = false, Verify = false };

    /// <summary>The container's memory limit and CPU quota, which restic's Go runtime is fitted to (<see cref="GoRuntimeEnvironment"/>).</summary>
    public ContainerLimits Container { get; init; } = ContainerLimits.None;

    /// <summary>GOMEMLIMIT, GOGC and GOMAXPROCS as the pod's environment sets them: restic inherits them and they are left alone.</summary>
    public IReadOnlyDictionary<string, string> InheritedGoVariables { get; init; } = GoRuntimeEnvironment.NoneInherited;

    /// <summary>
    /// The session's field that sets the container's memory limit, named when restic is OOM-killed
    /// (<c>spec.runtimeSettings.container.resources.limits.memory</c> for Stash); null names none.
    /// </summary>
    public string? MemoryLimitSetting { get; init; }
}

/// <summary>One restic call: one selection of the request.</summary>
internal sealed record ResticInvocation(string Description, ProcessSpec Process)
{
    /// <summary>The <c>paths</c> entry restored (with <c>latest</c>), or null for a snapshot call.</summary>
    public string? Path { get; init; }

    /// <summary>The <c>--host</c> filter of a <c>paths</c> call.</summary>
    public string? Host { get; init; }

    /// <summary>The snapshot id passed to restic (a Stash Snapshot name already reduced to its short id).</summary>
    public string? SnapshotId { get; init; }

    /// <summary>
    /// The call asks restic for one line per restored entry (<c>--json -vv</c>, 0.17+), so files and
    /// directories are counted apart; otherwise restic only says "files/dirs" together.
    /// </summary>
    public bool ReportsItems { get; init; }

    /// <summary>Mirror mode: the call deletes what the snapshot lacks under <see cref="RestoredPaths"/>.</summary>
    public bool Mirror { get; init; }

    /// <summary>
    /// The snapshot paths the call restores (and, in mirror mode, mirrors): the <c>paths</c> entry of a path
    /// call; for a snapshot call, null until <see cref="ResticMirror.Scope"/> read them from the repository.
    /// </summary>
    public IReadOnlyList<string>? RestoredPaths { get; init; }

    /// <summary>Why a mirror call could not be limited to its restored paths; such a call is never run.</summary>
    public string? MirrorProblem { get; init; }
}

/// <summary>
/// Every restic call for one unit, in order, and what the calls need on disk (made by the runner,
/// removed after). Its secrets were registered with the masker where they were read.
/// </summary>
internal sealed record ResticPlan(
    string RepositoryDisplay,
    IReadOnlyList<ResticInvocation> Invocations)
{
    /// <summary>Credential files restic reads; written 0600 right before the calls and removed after.</summary>
    public IReadOnlyList<CredentialFile> CredentialFiles { get; init; } = [];

    /// <summary>TMPDIR and cache folders the calls use; created when restic runs.</summary>
    public IReadOnlyList<string> ScratchDirectories { get; init; } = [];

    /// <summary><c>restic snapshots --json</c> against the same repository, to explain "no snapshot found".</summary>
    public ProcessSpec? ListSnapshots { get; init; }

    /// <summary>See <see cref="ResticRestoreOptions.FailOnMetadataErrors"/>.</summary>
    public bool FailOnMetadataErrors { get; init; }

    /// <summary>The restic the calls run, for version-dependent parsing.</summary>
    public ResticInstallation? Installation { get; init; }

    /// <summary>The options the plan was made with (target directory, retry), for what the runner reports.</summary>
    public ResticRestoreOptions? Options { get; init; }

    /// <summary>The Go runtime variables the restore calls get for the container's limits, and why (logged when they run).</summary>
    public GoRuntimeSettings GoRuntime { get; init; } = GoRuntimeSettings.None;

    /// <summary>
    /// The target's free space is checked against the snapshots' sizes before restic writes
    /// (<see cref="TargetSpaceCheck"/>, one <see cref="ListSnapshots"/> call); the planner always asks for it.
    /// </summary>
    public bool ChecksSpace { get; init; }

    /// <summary>The request's include patterns, which mirror mode checks against each call's restored paths.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

}

/// <summary>What restic reported restoring, summed over the plan's calls.</summary>
/// <param name="FilesRestored">
/// Entries restored that are not directories (regular files, symlinks, other special files) when
/// <see cref="DirectoriesRestored"/> is known; otherwise restic's own count of files and directories together.
/// </param>
internal sealed record ResticRestoreSummary(long FilesRestored, long FilesSkipped, long BytesRestored, long MetadataWarnings)
{
    /// <summary>Directories restored; null when restic could not tell them apart from files.</summary>
    public long? DirectoriesRestored { get; init; }

    /// <summary>
    /// Files (every entry but directories) mirror mode deleted because the snapshot lacks them; null
    /// when not in mirror mode. An empty directory counts as a file here: restic reports a deletion after
    /// it is done, with nothing left to tell the two apart.
    /// </summary>
    public long? FilesDeleted { get; init; }

    /// <summary>Adds another call's figures; directories (and deletions) stay known only when both know them.</summary>
    public ResticRestoreSummary Plus(ResticRestoreSummary other) =>
        new(FilesRestored + other.FilesRestored, FilesSkipped + other.FilesSkipped, BytesRestored + other.BytesRestored, MetadataWarnings + other.MetadataWarnings)
        {
            DirectoriesRestored = DirectoriesRestored is { } mine && other.DirectoriesRestored is { } theirs ? mine + theirs : null,
            FilesDeleted = FilesDeleted is null && other.FilesDeleted is null ? null : (FilesDeleted ?? 0) + (other.FilesDeleted ?? 0),
        };
}

/// <summary>
/// What one restic call would do to the target as it is now (<c>restore --dry-run</c>): files (every entry
/// but directories) it would restore new, update, leave unchanged and, in mirror mode, delete; and the
/// bytes it would write.
/// </summary>
internal sealed record TargetChanges(long Restored, long Updated, long Unchanged, long Deleted, long Bytes);

/// <summary>One call's preview: its changes, or why restic could not say.</summary>
internal sealed record CallPreview(string Description, TargetChanges? Changes, string? Problem);
