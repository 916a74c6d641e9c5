using Serilog;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// The parts a restore is made of; the CLI wires real ones, tests fakes. A family holds them with the
/// session's status in its own terms (<typeparamref name="TStatus"/>: a Stash host-keyed store, a
/// KubeStash component merge-patch store), makes the unit's <see cref="IUnitStatus"/> of it once it
/// knows the unit, and hands the engine <see cref="ForUnit"/>: the same parts over that unit's status.
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
    /// <summary>SPEC §13: progress is written at most every 10 s.</summary>
    public static readonly TimeSpan DefaultProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>How often restic's progress may reach <see cref="IUnitStatus.ReportProgressAsync"/>.</summary>
    public TimeSpan ProgressInterval { get; init; } = DefaultProgressInterval;

    /// <summary>Where restic's progress also shows live (a terminal); null when nobody watches.</summary>
    public ILiveProgress? LiveProgress { get; init; }

    /// <summary>The engine's parts for one unit, whose status is <paramref name="status"/>.</summary>
    public RestoreParts<IUnitStatus> ForUnit(IUnitStatus status) =>
        new(Restic, Hooks, status, Events, Claims, Metrics, Masker, Log, Clock) { ProgressInterval = ProgressInterval, LiveProgress = LiveProgress };
}
