namespace Stash.Restore.Core.Tests.Fakes;

/// <summary>
/// The system's clock, but every timer it makes is kept and fires only when a test says so: a test can
/// see which time limits the code armed (and how long) without waiting for them.
/// </summary>
internal sealed class ManualTimers : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];

    /// <summary>The timers armed now (a finite due time, not disposed), as their due times.</summary>
    public IReadOnlyList<TimeSpan> Armed
    {
        get
        {
            lock (_timers)
                return [.. _timers.Where(t => t.IsArmed).Select(t => t.Due)];
        }
    }

    /// <summary>Fires every armed timer once.</summary>
    public void FireArmed()
    {
        List<ManualTimer> armed;
        lock (_timers)
            armed = [.. _timers.Where(t => t.IsArmed)];
        foreach (var timer in armed)
            timer.Fire();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(callback, state, dueTime);
        lock (_timers)
            _timers.Add(timer);
        return timer;
    }

    private sealed class ManualTimer(TimerCallback callback, object? state, TimeSpan due) : ITimer
    {
        private bool _disposed;

        public TimeSpan Due { get; private set; } = due;

        public bool IsArmed => !_disposed && Due != Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Due = dueTime;
            return !_disposed;
        }

        public void Fire()
        {
            Due = Timeout.InfiniteTimeSpan;
            callback(state);
        }

        public void Dispose() => _disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
