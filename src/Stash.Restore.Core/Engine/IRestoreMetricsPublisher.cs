namespace Stash.Restore.Core.Engine;

/// <summary>Pushes this unit's restore metrics. A failure is a warning, never a failed restore.</summary>
internal interface IRestoreMetricsPublisher
{
    Task PublishAsync(UnitRestoreReport report, CancellationToken cancellationToken);
}

/// <summary>Everything known about one unit's finished restore, for metrics and events.</summary>
internal sealed record UnitRestoreReport(
    string Unit,
    string Phase,
    TimeSpan Duration,
    string? Error,
    long FilesRestored,
    long BytesRestored);
