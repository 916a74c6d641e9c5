namespace Stash.Restore.Core.Engine;

/// <summary>Pushes this unit's restore metrics. A failure is a warning, never a failed restore.</summary>
internal interface IRestoreMetricsPublisher
{
    Task PublishAsync(UnitRestoreReport report, CancellationToken cancellationToken);
}

/// <summary>Everything known about one unit's finished restore, for metrics and events.</summary>
/// <param name="FilesRestored">Files restic restored; null when not known (the Stash restore Job's <c>update-status</c> reads only Stash's <c>output.json</c>).</param>
/// <param name="BytesRestored">Bytes restic restored; null when not known.</param>
internal sealed record UnitRestoreReport(
    string Unit,
    string Phase,
    TimeSpan Duration,
    string? Error,
    long? FilesRestored,
    long? BytesRestored);
