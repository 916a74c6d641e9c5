namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// The machine's clock, but its monotonic time (<see cref="TimeProvider.GetTimestamp"/>) runs
/// <paramref name="factor"/> times faster: intervals measured with it (the 10 s progress throttle) pass
/// that much sooner, while timers and wall time stay real.
/// </summary>
internal sealed class FastMonotonicClock(double factor) : TimeProvider
{
    public override long TimestampFrequency => (long)(System.TimestampFrequency / factor);

    public override long GetTimestamp() => System.GetTimestamp();
}
