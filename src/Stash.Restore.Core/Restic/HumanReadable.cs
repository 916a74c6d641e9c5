using System.Globalization;

namespace Stash.Restore.Core.Restic;

/// <summary>Sizes and durations as the executor writes them for a person (logs, status, the dry run's table, the live line).</summary>
internal static class HumanReadable
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>"512 B", "4.8 MiB", "1048576.0 TiB": binary units, one decimal, up to TiB.</summary>
    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    /// <summary>"0.4s", "2m05s", "1h02m03s".</summary>
    public static string Duration(TimeSpan duration) =>
        duration.TotalHours >= 1 ? $"{(int)duration.TotalHours}h{duration.Minutes:00}m{duration.Seconds:00}s"
        : duration.TotalMinutes >= 1 ? $"{duration.Minutes}m{duration.Seconds:00}s"
        : duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
}
