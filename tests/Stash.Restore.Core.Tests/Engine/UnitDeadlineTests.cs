using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Tests.GoCompat;

namespace Stash.Restore.Core.Tests.Engine;

public sealed class UnitDeadlineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("30m", null, "2026-12-02T10:30:00+00:00")] // the timeout, from now
    [InlineData("1h30m", null, "2026-12-02T11:30:00+00:00")]
    [InlineData(null, "2026-12-02T10:05:00Z", "2026-12-02T10:05:00+00:00")] // the operator's deadline
    [InlineData(null, "2026-12-02T10:05:00", "2026-12-02T10:05:00+00:00")] // no offset: UTC
    [InlineData("30m", "2026-12-02T10:05:00Z", "2026-12-02T10:05:00+00:00")] // the earlier of the two
    [InlineData("2m", "2026-12-02T10:05:00Z", "2026-12-02T10:02:00+00:00")]
    [InlineData("0s", null, null)] // not positive: no limit
    [InlineData("-5m", "2026-12-02T10:05:00Z", "2026-12-02T10:05:00+00:00")]
    [InlineData("soon", "yesterday", null)] // unreadable: no limit (validation names them before this)
    public void The_earlier_of_the_timeout_from_now_and_the_deadline(string? timeout, string? deadline, string? expected)
    {
        var clock = new FixedClock(Now);

        var until = UnitDeadline.Earliest(timeout, deadline, clock);

        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), until);
    }
}
