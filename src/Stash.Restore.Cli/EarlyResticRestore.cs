using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Cli;

/// <summary>
/// The run's restic, located as soon as the command starts: restic's start-ups (<c>version</c> and
/// <c>options</c>) overlap reading the inputs (files, or the API server's handshake and GETs)
/// instead of following them. Its answer, or its error, reaches the run only where the run asks
/// for it (<see cref="LocateAsync"/>), at the same step as before; a run that never asks (no rule
/// for this host, invalid input) ignores it. Disposing waits for the children, so none outlives the run.
/// </summary>
internal sealed class EarlyResticRestore : IResticRestore, IAsyncDisposable
{
    private readonly IResticRestore _inner;
    private readonly Task<ResticInstallation> _located;

    public EarlyResticRestore(IResticRestore inner, CancellationToken cancellationToken)
    {
        _inner = inner;
        _located = inner.LocateAsync(cancellationToken);
    }

    public Task<ResticInstallation> LocateAsync(CancellationToken cancellationToken) => _located.WaitAsync(cancellationToken);

    public ResticPlan Plan(ResticRestoreRequest request, ResticRestoreOptions options, ResticInstallation restic) =>
        _inner.Plan(request, options, restic);

    public Task<ResticRestoreSummary> RunAsync(ResticPlan plan, Serilog.ILogger log, CancellationToken cancellationToken) =>
        _inner.RunAsync(plan, log, cancellationToken);

    public Task<IReadOnlyList<ResticSnapshot>> ListSnapshotsAsync(ResticPlan plan, SecretMasker masker, CancellationToken cancellationToken) =>
        _inner.ListSnapshotsAsync(plan, masker, cancellationToken);

    public async ValueTask DisposeAsync() =>
        await ((Task)_located).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
}
