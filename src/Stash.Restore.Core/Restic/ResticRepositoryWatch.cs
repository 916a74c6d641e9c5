using System.Text.RegularExpressions;
using Serilog;

namespace Stash.Restore.Core.Restic;

/// <summary>
/// Watches one restic call for a repository it cannot reach (<c>--repository-timeout</c>): restic still
/// retrying to read the repository's <c>config</c> once the timeout has passed (server unreachable,
/// certificate refused) is stopped, and the call fails with restic's last error. restic 0.18 says nothing
/// when that read succeeds (with <c>--json</c> the next line may be minutes away, after a large index
/// loads), so "read" is inferred from its output: any line other than a config retry, or a retry whose
/// announced wait plus <see cref="RetryAttemptGrace"/> passed without a new complaint (the attempt
/// worked). Until one of those, or while restic is silent from the start, it keeps watching; it never
/// cuts a restic that got past the config.
/// </summary>
/// <remarks>Fed by restic's output readers, read by <see cref="WatchAsync"/>: thread-safe.</remarks>
internal sealed partial class ResticRepositoryWatch
{
    /// <summary>How long after a retry's announced wait its attempt may take to fail (connection refused and TLS errors take milliseconds).</summary>
    internal static readonly TimeSpan RetryAttemptGrace = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private long? _lastConfigRetry;
    private TimeSpan _lastConfigRetryWait;
    private volatile bool _configSettled;

    public ResticRepositoryWatch(TimeSpan timeout, TimeProvider time)
    {
        if (timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a repository timeout is positive; zero leaves restic to its own retries");
        Timeout = timeout;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>How long restic may keep retrying to read the repository's config.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Set when the watch stopped restic.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>One line restic printed (either stream): a config retry, or a sign it got past the config.</summary>
    public void Note(string line)
    {
        line = ResticOutput.Clean(line);
        if (string.IsNullOrWhiteSpace(line))
            return;
        var retry = ConfigRetry().Match(line);
        if (retry.Success && GoCompat.GoDuration.TryParse(retry.Groups[1].Value, out var wait))
        {
            lock (_gate)
            {
                _lastConfigRetry = _time.GetTimestamp();
                _lastConfigRetryWait = wait;
            }
        }
        else
        {
            _configSettled = true;
        }
    }

    /// <summary>restic's last word is a config retry whose next attempt has not had time to succeed.</summary>
    public bool ConfigPending(long now)
    {
        lock (_gate)
        {
            return !_configSettled && _lastConfigRetry is { } at
                && _time.GetElapsedTime(at, now) <= _lastConfigRetryWait + RetryAttemptGrace;
        }
    }

    /// <summary>Checks until <paramref name="finished"/>; once <see cref="Timeout"/> has passed with the config still pending, records it and cancels <paramref name="restic"/>.</summary>
    public async Task WatchAsync(CancellationTokenSource restic, ILogger log, CancellationToken finished)
    {
        ArgumentNullException.ThrowIfNull(restic);
        ArgumentNullException.ThrowIfNull(log);
        try
        {
            await Task.Delay(Timeout, _time, finished).ConfigureAwait(false);
            while (!finished.IsCancellationRequested && !_configSettled)
            {
                if (ConfigPending(_time.GetTimestamp()))
                {
                    TimedOut = true;
                    log.Warning("restic has not read the repository's config after {Timeout:l} (--repository-timeout): stopping it", GoCompat.GoDuration.Format(Timeout));
                    await restic.CancelAsync().ConfigureAwait(false);
                    return;
                }
                await Task.Delay(WatchInterval, _time, finished).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (finished.IsCancellationRequested)
        {
            // restic ended first.
        }
    }

    // restic 0.18: "Stat(<config/>) returned error, retrying after 2.59812248s: Head …" and
    // "Load(<config/0000000000>, 0, 0) returned error, retrying after 1.2s: …".
    [GeneratedRegex(@"^(?:Stat|Load)\(<config/[^>]*>[^)]*\) returned error, retrying after ([0-9.hmsµnu]+): ")]
    private static partial Regex ConfigRetry();
}
