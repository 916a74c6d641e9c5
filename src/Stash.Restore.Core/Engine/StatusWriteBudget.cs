namespace Stash.Restore.Core.Engine;

/// <summary>
/// How long a status write after the restore may take. When nothing stopped the run it has no limit of
/// its own: the transport's retries bound it (a restored unit must not be left Running, its data in place,
/// because the API server blinked as restic ended). After SIGTERM/SIGINT or a deadline it
/// has <see cref="AfterStop"/>, well inside a 30 s grace period, counted from the stop when that comes
/// while the write is under way.
/// </summary>
internal sealed class StatusWriteBudget : IDisposable
{
    /// <summary>A write after the run was stopped; the pod is being ended.</summary>
    public static readonly TimeSpan AfterStop = TimeSpan.FromSeconds(8);

    private readonly CancellationToken _stop;
    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _onStop;

    /// <param name="stop">Cancelled when the run is stopped from outside (a signal or the deadline).</param>
    public StatusWriteBudget(CancellationToken stop, TimeProvider clock)
    {
        _stop = stop;
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
        if (stop.IsCancellationRequested)
            _source.CancelAfter(AfterStop);
        else
            _onStop = stop.Register(static source => ((CancellationTokenSource)source!).CancelAfter(AfterStop), _source);
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Whether the write had only <see cref="AfterStop"/> (the run was stopped before or during it).</summary>
    public bool CutShort => _stop.IsCancellationRequested;

    public void Dispose()
    {
        _onStop.Dispose();
        _source.Dispose();
    }
}
