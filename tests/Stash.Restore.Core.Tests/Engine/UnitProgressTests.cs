using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>restic's <c>status</c> line as the engine hands it to a family's status or log.</summary>
public sealed class UnitProgressTests
{
    [Fact]
    public void A_status_line_keeps_restics_counts_whole_seconds_and_which_call_it_is()
    {
        var status = new ResticMessage.Status(0.25, 40, 10, 4096, 1024, 7.9) { FilesSkipped = 3, BytesSkipped = 300, Call = 2, Calls = 3, Final = true };

        var progress = UnitProgress.From(status);

        Assert.Equal(new UnitProgress(7, 0.25, 40, 10, 4096, 1024) { FilesSkipped = 3, BytesSkipped = 300, Call = 2, Calls = 3, IsFinal = true }, progress);
    }

    [Theory]
    [InlineData(1.0000001, 1.0)]
    [InlineData(-0.1, 0.0)]
    public void The_fraction_stays_between_0_and_1(double percentDone, double fraction)
    {
        Assert.Equal(fraction, UnitProgress.From(new ResticMessage.Status(percentDone, 1, 1, 1, 1, 1)).Fraction);
    }

    [Theory]
    [InlineData(0L, 5000L, 0.0)] // before the first whole second
    [InlineData(4L, 4000L, 1000.0)]
    public void The_rate_is_bytes_per_second_since_the_call_started(long seconds, long bytes, double rate)
    {
        Assert.Equal(rate, new UnitProgress(seconds, 0.5, 1, 1, 8000, bytes).BytesPerSecond);
    }
}
