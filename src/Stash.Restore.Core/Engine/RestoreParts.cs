using Serilog;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// What a family's restore is wired to: the engine's parts, and where the session's status lives in
/// the family's own terms (<typeparamref name="TStatus"/>: a Stash host-keyed store, a KubeStash
/// component merge-patch store). The family makes the unit's <see cref="IUnitStatus"/> of it once it
/// knows the unit, and hands the engine <see cref="ForUnit"/>.
/// </summary>
internal sealed record RestoreParts<TStatus>(
    IResticRestore Restic,
    IHookExecutor Hooks,
    TStatus Status,
    IRestoreEventRecorder Events,
    IUnitClaims Claims,
    IRestoreMetricsPublisher? Metrics,
    SecretMasker Masker,
    ILogger Log,
    TimeProvider Clock)
{
    /// <summary>Where restic's progress also shows live (a terminal); null when nobody watches.</summary>
    public ILiveProgress? LiveProgress { get; init; }

    /// <summary>The engine's parts for one unit, whose status is <paramref name="status"/>.</summary>
    public RestoreDependencies ForUnit(IUnitStatus status) =>
        new(Restic, Hooks, status, Events, Claims, Metrics, Masker, Log, Clock) { LiveProgress = LiveProgress };
}
