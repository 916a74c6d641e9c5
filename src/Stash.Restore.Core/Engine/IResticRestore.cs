using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Engine;

/// <summary>The engine's view of restic: find it, plan the calls for a request, run them.</summary>
internal interface IResticRestore
{
    /// <summary>
    /// Finds restic, its version and, when a build may lack <paramref name="location"/>'s backend,
    /// its backends; <see cref="DependencyUnavailableException"/> when missing.
    /// </summary>
    Task<ResticInstallation> LocateAsync(BackendLocation location, CancellationToken cancellationToken);

    ResticPlan Plan(ResticRestoreRequest request, ResticRestoreOptions options, ResticInstallation restic);

    /// <summary>
    /// Runs the plan's calls in order; <see cref="RestoreFailedException"/> with one masked line on failure.
    /// Each restic <c>status</c> line goes to <paramref name="progress"/> as it arrives (unthrottled, on
    /// restic's output reader: the receiver must return at once).
    /// </summary>
    Task<ResticRestoreSummary> RunAsync(ResticPlan plan, Serilog.ILogger log, IProgress<UnitProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Completes a mirror plan whose calls restore snapshots by id: their paths (which limit
    /// <c>--delete</c>) are read from the repository (one read-only <c>restic snapshots</c>). Any other
    /// plan comes back as it is. A call whose snapshot cannot be read keeps the problem and is never run.
    /// </summary>
    /// <exception cref="InvalidInputException">An include pattern reaches outside a snapshot's paths.</exception>
    Task<ResticPlan> ScopeMirrorAsync(ResticPlan plan, CancellationToken cancellationToken);

    /// <summary>
    /// What each call of a preview plan (<see cref="ResticRestoreOptions.ForPreview"/>) would do to the
    /// target as it is now, per call; writes nothing, credential files included.
    /// </summary>
    Task<IReadOnlyList<CallPreview>> PreviewAsync(ResticPlan plan, Serilog.ILogger log, CancellationToken cancellationToken);

    /// <summary>The repository's snapshots, read-only; <see cref="RestoreFailedException"/> with one masked line on failure.</summary>
    Task<IReadOnlyList<ResticSnapshot>> ListSnapshotsAsync(ResticPlan plan, Secrets.SecretMasker masker, CancellationToken cancellationToken);
}
