using Serilog;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Engine;

/// <summary>The pipeline's restic: <see cref="ResticLocator"/>, <see cref="ResticPlanner"/> and <see cref="ResticRestoreRunner"/>.</summary>
internal sealed class ResticRestore(IProcessRunner runner, TimeProvider clock, IReadOnlyDictionary<string, string> environment, SecretMasker masker)
    : IResticRestore, IAsyncDisposable
{
    private Task<ResticInstallation>? versionRead;
    private CancellationTokenSource? versionReadStop;
    private bool versionAskedFor;

    /// <summary>
    /// Starts <c>restic version</c> now, before the inputs are read, so that its Go start-up runs beside the
    /// executor's own and <see cref="LocateAsync"/> takes its answer. Nothing of it is reported until restic is
    /// asked for: a run that stops on its inputs first says only that, and <see cref="DisposeAsync"/> stops and
    /// reaps the child.
    /// </summary>
    public void StartLocating(CancellationToken cancellationToken)
    {
        if (versionRead is not null)
            return;
        versionReadStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        versionRead = ResticLocator.FindAsync(runner, environment, versionReadStop.Token, readBackends: false);
    }

    // A local repository needs no `restic options` child: every build has that backend.
    public async Task<ResticInstallation> LocateAsync(BackendLocation location, CancellationToken cancellationToken)
    {
        var readBackends = ResticPlanner.OptionalBackend(location) is not null;
        if (versionRead is null)
            return await ResticLocator.FindAsync(runner, environment, cancellationToken, readBackends: readBackends);
        versionAskedFor = true;
        var installation = await versionRead;
        return readBackends && installation.Backends is null
            ? installation with { Backends = await ResticLocator.ReadBackendsAsync(runner, installation.Path, cancellationToken) }
            : installation;
    }

    /// <summary>Stops a <c>restic version</c> started by <see cref="StartLocating"/> that nobody asked for, and waits for it: no child outlives the run.</summary>
    public async ValueTask DisposeAsync()
    {
        if (versionRead is null)
            return;
        if (!versionAskedFor)
            await versionReadStop!.CancelAsync();
        await ((Task)versionRead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        versionReadStop!.Dispose();
    }

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
