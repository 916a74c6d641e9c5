using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary><c>--repository-timeout</c>: restic still retrying to read the repository's config is stopped; a restic past it never is.</summary>
public sealed class ResticRepositoryWatchTests
{
    // restic 0.18's own lines for an unreachable REST server and a refused certificate.
    private const string StatRetry = "Stat(<config/>) returned error, retrying after 2.59812248s: Head \"http://127.0.0.1:1/config\": dial tcp 127.0.0.1:1: connect: connection refused";
    private const string LoadRetry = "Load(<config/0000000000>, 0, 0) returned error, retrying after 1.2s: tls: failed to verify certificate";

    private readonly ManualTimeProvider _time = new();
    private readonly CollectingSink _log = new();

    [Theory]
    [InlineData(StatRetry)]
    [InlineData(LoadRetry)]
    public void A_config_retry_is_pending_until_its_wait_and_the_attempts_grace_have_passed(string line)
    {
        var watch = new ResticRepositoryWatch(TimeSpan.FromSeconds(30), _time);
        Assert.False(watch.ConfigPending(_time.GetTimestamp()));

        watch.Note(line);
        var wait = line == StatRetry ? TimeSpan.FromSeconds(2.59812248) : TimeSpan.FromSeconds(1.2);
        _time.Advance(wait + ResticRepositoryWatch.RetryAttemptGrace);
        Assert.True(watch.ConfigPending(_time.GetTimestamp()));

        // No new complaint after the retry's attempt had time to fail: the attempt worked.
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(watch.ConfigPending(_time.GetTimestamp()));
    }

    [Theory]
    [InlineData("repository 6f1a opened (version 2, compression level auto)")]
    [InlineData("""{"message_type":"status","percent_done":0.1,"total_files":3}""")]
    [InlineData("Load(<data/5a004f7a99>, 248, 3833) returned error, retrying after 1s: connection refused")]
    public void Any_other_line_means_restic_got_past_the_config(string line)
    {
        var watch = new ResticRepositoryWatch(TimeSpan.FromSeconds(30), _time);
        watch.Note(StatRetry);
        watch.Note(line);

        Assert.False(watch.ConfigPending(_time.GetTimestamp()));
        // A config retry after that does not make it pending again.
        watch.Note(StatRetry);
        Assert.False(watch.ConfigPending(_time.GetTimestamp()));
    }

    [Fact]
    public void Blank_lines_say_nothing()
    {
        var watch = new ResticRepositoryWatch(TimeSpan.FromSeconds(30), _time);
        watch.Note(StatRetry);
        watch.Note("   ");
        Assert.True(watch.ConfigPending(_time.GetTimestamp()));
    }

    [Fact]
    public async Task Restic_still_retrying_the_config_after_the_timeout_is_stopped_and_the_watch_says_so()
    {
        // The retry's window (2.6 s + 10 s grace) outlasts the 50 ms timeout by far: the watch must stop restic.
        var watch = new ResticRepositoryWatch(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        watch.Note(StatRetry);
        using var restic = new CancellationTokenSource();
        using var finished = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await watch.WatchAsync(restic, _log.Logger(), finished.Token);

        Assert.True(restic.IsCancellationRequested, "the watch returned without stopping restic");
        Assert.True(watch.TimedOut);
        Assert.Contains("Warning: restic has not read the repository's config after 50ms (--repository-timeout): stopping it", _log.Lines);
    }

    [Fact]
    public async Task Restic_past_the_config_is_never_stopped()
    {
        var watch = new ResticRepositoryWatch(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        watch.Note(StatRetry);
        watch.Note("repository 6f1a opened (version 2, compression level auto)");
        using var restic = new CancellationTokenSource();
        using var finished = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await watch.WatchAsync(restic, _log.Logger(), finished.Token);

        Assert.False(finished.IsCancellationRequested, "the watch kept watching a restic that got past the config");
        Assert.False(restic.IsCancellationRequested);
        Assert.False(watch.TimedOut);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task A_restic_that_ends_first_ends_the_watch()
    {
        var watch = new ResticRepositoryWatch(TimeSpan.FromHours(1), TimeProvider.System);
        watch.Note(StatRetry);
        using var restic = new CancellationTokenSource();
        using var finished = new CancellationTokenSource();
        var watching = watch.WatchAsync(restic, _log.Logger(), finished.Token);

        await finished.CancelAsync();
        await watching.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(restic.IsCancellationRequested);
        Assert.False(watch.TimedOut);
    }

    [Fact]
    public void Zero_is_not_a_timeout() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResticRepositoryWatch(TimeSpan.Zero, _time));
}
