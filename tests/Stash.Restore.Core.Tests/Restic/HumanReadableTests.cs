using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>The sizes and durations a person reads in the log, the status and the dry run's table.</summary>
public sealed class HumanReadableTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(5000008, "4.8 MiB")]
    [InlineData(3L * 1024 * 1024 * 1024 + 512L * 1024 * 1024, "3.5 GiB")]
    [InlineData(1L << 60, "1048576.0 TiB")]
    public void Bytes_in_binary_units_with_one_decimal_up_to_tebibytes(long bytes, string expected) =>
        Assert.Equal(expected, HumanReadable.Bytes(bytes));

    [Theory]
    [InlineData(0.4, "0.4s")]
    [InlineData(59.94, "59.9s")]
    [InlineData(125, "2m05s")]
    [InlineData(3723, "1h02m03s")]
    [InlineData(90000, "25h00m00s")]
    public void Durations_as_seconds_minutes_or_hours(double seconds, string expected) =>
        Assert.Equal(expected, HumanReadable.Duration(TimeSpan.FromSeconds(seconds)));
}
