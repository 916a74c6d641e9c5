using Serilog;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Engine;

/// <summary>The pipeline's restic: <see cref="ResticLocator"/>, <see cref="ResticPlanner"/> and <see cref="ResticRestoreRunner"/>.</summary>
internal sealed class ResticRestore(IProcessRunner runner, TimeProvider clock, IReadOnlyDictionary<string, string> environment, SecretMasker masker) : IResticRestore
{
    // A local repository needs no `restic options` child: every build has that backend.
    public Task<ResticInstallation> LocateAsync(BackendLocation location, CancellationToken cancellationToken) =>
        ResticLocator.FindAsync(runner, environment, cancellationToken, readBackends: ResticPlanner.OptionalBackend(location) is not null);

    public ResticPlan Plan(ResticRestoreRequest request, ResticRestoreOptions options, ResticInstallation restic) =>
        ResticPlanner.Plan(request, options, restic);

    public Task<IReadOnlyList<ResticSnapshot>> ListSnapshotsAsync(ResticPlan plan, Secrets.SecretMasker masker, CancellationToken cancellationToken) =>
        ResticSnapshotList.ReadAsync(runner, plan, masker, cancellationToken);

    public async Task<ResticPlan> ScopeMirrorAsync(ResticPlan plan, CancellationToken cancellationToken)
    {
        if (!ResticMirror.NeedsScope(plan))
            return plan;
        try
        {
            return ResticMirror.Scope(plan, await ResticSnapshotList.ReadAsync(runner, plan, masker, cancellationToken), null);
        }
        catch (RestoreFailedException e)
        {
            return ResticMirror.Scope(plan, null, e.Message);
        }
    }

    public async Task<IReadOnlyList<CallPreview>> PreviewAsync(ResticPlan plan, ILogger log, CancellationToken cancellationToken)
    {
        using var credentials = InMemoryCredentialFiles.Open(plan.CredentialFiles);
        return await new ResticRestoreRunner(credentials.Wrap(runner), log, clock, masker).PreviewAsync(plan, cancellationToken);
    }

    public Task<ResticRestoreSummary> RunAsync(ResticPlan plan, ILogger log, IProgress<UnitProgress>? progress, CancellationToken cancellationToken) =>
        new ResticRestoreRunner(runner, log, clock, masker).RunAsync(plan, progress is null ? null : new StatusToUnitProgress(progress), cancellationToken);

    private sealed class StatusToUnitProgress(IProgress<UnitProgress> inner) : IProgress<ResticMessage.Status>
    {
        public void Report(ResticMessage.Status value) => inner.Report(UnitProgress.From(value));
    }
}
