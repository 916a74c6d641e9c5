using Stash.Restore.Core.Engine;
using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// restic's restore <c>status</c> line → <c>status.components[c].progress</c>, formatted as
/// KubeStash's own executor does (kubestash/apimachinery <c>pkg/progress</c>): sizes with
/// docker/go-units <c>HumanSize</c> (decimal units, 4 significant digits: <c>5.268GB</c>),
/// <c>percentDone</c> <c>%.2f%%</c>, <c>speed</c> HumanSize of bytes per second + <c>/s</c>. Zero
/// counts are left out as Go's <c>omitempty</c> leaves them out.
/// </summary>
internal static class KubeStashProgress
{
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

    public static RestoreProgress From(UnitProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var seconds = progress.SecondsElapsed;
        var percent = progress.Fraction * 100;
        return new RestoreProgress
        {
            SecondsElapsed = seconds > 0 ? seconds : null,
            PercentDone = percent > 0 ? GoNumber.FormatFixed(percent, 2) + "%" : null,
            TotalFiles = progress.TotalFiles > 0 ? progress.TotalFiles : null,
            FilesDone = progress.FilesDone > 0 ? progress.FilesDone : null,
            RestoreDone = HumanSize(progress.BytesDone),
            Total = progress.TotalBytes > 0 ? HumanSize(progress.TotalBytes) : null,
            Speed = seconds > 0 ? HumanSize(progress.BytesPerSecond) + "/s" : null,
        };
    }

    /// <summary>docker/go-units <c>HumanSize</c>: <c>1000</c> → <c>1kB</c>, <c>1048576</c> → <c>1.049MB</c>.</summary>
    public static string HumanSize(double size)
    {
        var unit = 0;
        while (size >= 1000 && unit < DecimalUnits.Length - 1)
        {
            size /= 1000;
            unit++;
        }
        return GoNumber.FormatGeneral(size, 4) + DecimalUnits[unit];
    }
}
