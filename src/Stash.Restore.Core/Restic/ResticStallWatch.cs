using Serilog;

namespace Stash.Restore.Core.Restic;

/// <summary>
/// Watches one restic restore for storage that stopped answering (<c>--stall-timeout</c>): restic restores
/// no byte and no entry for the timeout while it complains on stderr (restic 0.18 retries a dead REST
/// server for about 15 minutes, printing "Load(…) returned error, retrying after …"). Then restic is stopped
/// and the restore fails with restic's last complaint. A slow repository that never complains, or a long
/// index load, is never cut: only silence in the data together with trouble counts.
/// </summary>
/// <remarks>Fed by restic's output readers, read by <see cref="WatchAsync"/>: thread-safe.</remarks>
internal sealed class ResticStallWatch
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private long _lastProgress;
    private (long Files, long Bytes, long FilesSkipped, long BytesSkipped)? _lastCounts;
    private string? _troubleSinceProgress;

    public ResticStallWatch(TimeSpan timeout, TimeProvider time)
    {
        if (timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a stall timeout is positive; zero turns the watch off");
        Timeout = timeout;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _lastProgress = time.GetTimestamp();
    }

    /// <summary>How long restic may restore nothing while complaining.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Set when the watch stopped restic: restic's last complaint.</summary>
    public string? StalledWith { get; private set; }

    /// <summary>
    /// A restic <c>status</c> line: progress when any of its counts moved. restic prints one twice a
    /// second with the same counts while it waits on the repository, so a line alone is no progress.
    /// </summary>
    public void NoteStatus(ResticMessage.Status status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var counts = (status.FilesRestored, status.BytesRestored, status.FilesSkipped, status.BytesSkipped);
        lock (_gate)
        {
            if (_lastCounts == counts)
                return;
            _lastCounts = counts;
        }
        NoteProgress();
    }

    /// <summary>An entry restored, a summary, or (restic before 0.16, which prints no status) any stdout line.</summary>
    public void NoteProgress()
    {
        lock (_gate)
        {
            _lastProgress = _time.GetTimestamp();
            _troubleSinceProgress = null;
        }
    }

    /// <summary>A complaint on stderr (a retry, a refused connection), masked and on one line.</summary>
    public void NoteTrouble(string complaint)
    {
        lock (_gate)
            _troubleSinceProgress = complaint;
    }

    /// <summary>restic's last complaint when it restored nothing for <see cref="Timeout"/> and complained since; otherwise null.</summary>
    public string? Stalled(long now)
    {
        lock (_gate)
            return _troubleSinceProgress is { } complaint && _time.GetElapsedTime(_lastProgress, now) >= Timeout ? complaint : null;
    }

    /// <summary>Checks until <paramref name="finished"/>; on a stall, records it and cancels <paramref name="restic"/>.</summary>
    public async Task WatchAsync(CancellationTokenSource restic, ILogger log, CancellationToken finished)
    {
        ArgumentNullException.ThrowIfNull(restic);
        ArgumentNullException.ThrowIfNull(log);
        try
        {
            while (!finished.IsCancellationRequested)
            {
                await Task.Delay(WatchInterval, _time, finished).ConfigureAwait(false);
                if (Stalled(_time.GetTimestamp()) is { } complaint)
                {
                    StalledWith = complaint;
                    log.Warning("restic restored nothing for {Timeout:l} (--stall-timeout) while retrying: stopping it; its last error: {Error:l}",
                        GoCompat.GoDuration.Format(Timeout), complaint);
                    await restic.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (finished.IsCancellationRequested)
        {
            // restic ended first.
        }
    }
}
