using Stash.Restore.Core.Restic;

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

    public static RestoreProgress From(ResticMessage.Status status)
    {
        // restic prints seconds_elapsed as a whole number; KubeStash stores it as int64.
        var seconds = (long)Math.Floor(status.SecondsElapsed ?? 0);
        var percent = status.PercentDone * 100;
        return new RestoreProgress
        {
            SecondsElapsed = seconds > 0 ? seconds : null,
            PercentDone = percent > 0 ? GoNumberFormat.F(percent, 2) + "%" : null,
            TotalFiles = status.TotalFiles > 0 ? status.TotalFiles : null,
            FilesDone = status.FilesRestored > 0 ? status.FilesRestored : null,
            RestoreDone = HumanSize(status.BytesRestored),
            Total = status.TotalBytes > 0 ? HumanSize(status.TotalBytes) : null,
            Speed = seconds > 0 ? HumanSize((double)status.BytesRestored / seconds) + "/s" : null,
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
        return GoNumberFormat.G(size, 4) + DecimalUnits[unit];
    }
}

/// <summary>Lets progress through at most once per interval (SPEC §13: every 10 s), the first one at once.</summary>
internal sealed class ProgressGate(TimeProvider time, TimeSpan interval)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private long? _last;

    public bool TryPass()
    {
        var now = time.GetTimestamp();
        if (_last is { } last && time.GetElapsedTime(last, now) < interval)
            return false;
        _last = now;
        return true;
    }
}
