using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Restic;

public sealed class ResticStallWatchTests
{
    private const string Refused = "Load(<data/5a004f7a99>, 248, 3833): dial tcp 127.0.0.1:8000: connect: connection refused";

    private readonly ManualTimeProvider _time = new();

    private static ResticMessage.Status Status(long files, long bytes) => new(0.5, 10, files, 100, bytes, 1);

    [Fact]
    public void Silence_with_retries_for_the_timeout_is_a_stall_naming_restics_last_error()
    {
        var watch = new ResticStallWatch(TimeSpan.FromSeconds(30), _time);
        watch.NoteStatus(Status(1, 40));
        watch.NoteTrouble("an older complaint");
        watch.NoteTrouble(Refused);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(watch.Stalled(_time.GetTimestamp()));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Refused, watch.Stalled(_time.GetTimestamp()));
    }

    [Fact]
    public void Repeated_status_lines_with_the_same_counts_are_no_progress()
    {
        var watch = new ResticStallWatch(TimeSpan.FromSeconds(30), _time);
        watch.NoteStatus(Status(1, 40));
        watch.NoteTrouble(Refused);
        for (var i = 0; i < 60; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(0.5));
            watch.NoteStatus(Status(1, 40));
        }
        Assert.Equal(Refused, watch.Stalled(_time.GetTimestamp()));
    }

    [Fact]
    public void A_byte_restored_clears_the_complaint_and_restarts_the_clock()
    {
        var watch = new ResticStallWatch(TimeSpan.FromSeconds(30), _time);
        watch.NoteTrouble(Refused);
        _time.Advance(TimeSpan.FromSeconds(25));
        watch.NoteStatus(Status(1, 41));
        _time.Advance(TimeSpan.FromSeconds(25));

        Assert.Null(watch.Stalled(_time.GetTimestamp()));
        watch.NoteTrouble(Refused);
        Assert.Null(watch.Stalled(_time.GetTimestamp()));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(Refused, watch.Stalled(_time.GetTimestamp()));
    }

    [Fact]
    public void A_slow_restic_that_never_complains_is_never_stalled()
    {
        var watch = new ResticStallWatch(TimeSpan.FromSeconds(30), _time);
        _time.Advance(TimeSpan.FromHours(2));

        Assert.Null(watch.Stalled(_time.GetTimestamp()));
    }

    [Fact]
    public void An_entry_restored_is_progress()
    {
        var watch = new ResticStallWatch(TimeSpan.FromSeconds(30), _time);
        watch.NoteTrouble(Refused);
        _time.Advance(TimeSpan.FromSeconds(31));
        watch.NoteProgress();

        Assert.Null(watch.Stalled(_time.GetTimestamp()));
    }

    [Fact]
    public void Zero_is_not_a_timeout()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResticStallWatch(TimeSpan.Zero, _time));
    }
}
