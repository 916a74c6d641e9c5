using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

/// <summary>restic's progress as KubeStash writes it into <c>status.components[&lt;c&gt;].progress</c>: Go's sizes and percentages.</summary>
public sealed class KubeStashProgressTests
{
    // Expected values printed by Go's fmt with docker/go-units' HumanSize algorithm (go run, Go 1.2x).
    [Theory]
    [InlineData(0, "0B")]
    [InlineData(999, "999B")]
    [InlineData(1000, "1kB")]
    [InlineData(1024, "1.024kB")]
    [InlineData(12125, "12.12kB")]
    [InlineData(999949, "999.9kB")]
    [InlineData(999950, "1000kB")]
    [InlineData(1048576, "1.049MB")]
    [InlineData(1300000, "1.3MB")]
    [InlineData(5268000000, "5.268GB")]
    [InlineData(1e28, "1e+04YB")]
    [InlineData(0.5, "0.5B")]
    [InlineData(0.00001234, "1.234e-05B")]
    [InlineData(123456789.0 / 7, "17.64MB")]
    public void Sizes_print_as_go_units_HumanSize(double bytes, string expected) =>
        Assert.Equal(expected, KubeStashProgress.HumanSize(bytes));

    [Fact]
    public void A_restic_status_line_becomes_KubeStash_progress()
    {
        var line = ResticOutput.Parse("""{"message_type":"status","seconds_elapsed":10,"percent_done":0.0002467,"total_files":2,"files_restored":1,"total_bytes":5268000000,"bytes_restored":1300000}""");

        var progress = KubeStashProgress.From(UnitProgress.From(Assert.IsType<ResticMessage.Status>(line)));

        Assert.Equal(
            new RestoreProgress { SecondsElapsed = 10, PercentDone = "0.02%", TotalFiles = 2, FilesDone = 1, RestoreDone = "1.3MB", Total = "5.268GB", Speed = "130kB/s" },
            progress);
    }
}
