using Serilog;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// Hands restic's progress to the unit's status at most once per interval (SPEC §13: every 10 s), the
/// first an interval after restic started, never two writes at once and never on restic's output
/// reader (a slow API must not stall restic's pipe). Once progress has been written, a call's final
/// figures (restic's summary) are written too, after any write in flight, so the status never stops on
/// figures older than the restore. A failed write is a warning, logged once, never a failed restore.
/// </summary>
internal sealed class ProgressThrottle : IProgress<UnitProgress>, IAsyncDisposable
{
    private readonly IUnitStatus _status;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _interval;
    private readonly ILogger _log;
    private readonly SecretMasker _masker;
    private readonly CancellationToken _cancellationToken;
    private readonly Lock _gate = new();
    private long _lastWrite;
    private Task _writing = Task.CompletedTask;
    private bool _stopped;
    private bool _written;
    private int _failures;

    /// <param name="cancellationToken">The restore's: a write in flight is abandoned when restic is stopped.</param>
    public ProgressThrottle(IUnitStatus status, TimeProvider clock, TimeSpan interval, ILogger log, SecretMasker masker, CancellationToken cancellationToken)
    {
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _masker = masker ?? throw new ArgumentNullException(nameof(masker));
        _interval = interval;
        _cancellationToken = cancellationToken;
        // The Running entry was just written: the first progress waits a whole interval, so a short
        // restore costs no progress write at all.
        _lastWrite = clock.GetTimestamp();
    }

    public void Report(UnitProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (_stopped || _cancellationToken.IsCancellationRequested)
                return;
            if (value.IsFinal && _written)
            {
                _lastWrite = _clock.GetTimestamp();
                _writing = AfterAsync(_writing, value);
                return;
            }
            if (!_writing.IsCompleted)
                return;
            var now = _clock.GetTimestamp();
            if (_clock.GetElapsedTime(_lastWrite, now) < _interval)
                return;
            _lastWrite = now;
            _written = true;
            _writing = WriteAsync(value);
        }
    }

    private async Task AfterAsync(Task writing, UnitProgress progress)
    {
        await writing.ConfigureAwait(false);
        await WriteAsync(progress).ConfigureAwait(false);
    }

    private async Task WriteAsync(UnitProgress progress)
    {
        // Off restic's output reader before the first await of the write itself.
        await Task.Yield();
        try
        {
            await _status.ReportProgressAsync(progress, _cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            // restic is being stopped; the final entry says why.
        }
        catch (Exception e)
        {
            // Progress is a courtesy: whatever the status store throws (API down, conflict, a full disk
            // for --status-file), the restore goes on and the final entry is written as usual.
            var message = _masker.Apply(e.Message);
            if (Interlocked.Increment(ref _failures) == 1)
                _log.Warning("Could not write the restore progress (the restore goes on; further progress failures are logged at debug level): {Error:l}", message);
            else
                _log.Debug("Could not write the restore progress: {Error:l}", message);
        }
    }

    /// <summary>Stops passing progress and waits for a write in flight, so nothing lands after the final entry.</summary>
    public async ValueTask DisposeAsync()
    {
        Task writing;
        lock (_gate)
        {
            _stopped = true;
            writing = _writing;
        }
        await writing.ConfigureAwait(false);
    }
}
