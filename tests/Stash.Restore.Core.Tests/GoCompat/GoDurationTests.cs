using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Tests.GoCompat;

public class GoDurationTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(8_844_317L, "884.4317ms")]
    [InlineData(10_000L, "1ms")]
    [InlineData(15L, "1.5µs")]
    [InlineData(1L, "100ns")]
    [InlineData(10_000_000L, "1s")]
    [InlineData(41_482_884_040L, "1h9m8.288404s")]
    [InlineData(1_605_958_575_480L, "44h36m35.857548s")]
    [InlineData(1_600_000_000L, "2m40s")]
    [InlineData(36_000_000_000L, "1h0m0s")]
    [InlineData(3_000_000_000L, "5m0s")]
    [InlineData(90_002_500_000L, "2h30m0.25s")]
    public void Formats_like_go_time_Duration_String(long ticks, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));

    [Theory]
    [InlineData("2m40.595857548s", 160.5958575)]
    [InlineData("884.431745ms", 0.8844317)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("30s", 30)]
    [InlineData("0", 0)]
    public void Parses_go_durations(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var duration));
        Assert.Equal(seconds, duration.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("10")]
    [InlineData("5 minutes")]
    public void Rejects_what_go_would_reject(string text) => Assert.False(GoDuration.TryParse(text, out _));
}
