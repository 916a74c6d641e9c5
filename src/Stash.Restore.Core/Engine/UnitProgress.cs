using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// How far the running restic call has got, family-neutral: what a family writes to its status or
/// log while a unit restores. Counts are restic's own for the current call (files and directories
/// together; restic does not tell them apart while it runs).
/// </summary>
/// <param name="SecondsElapsed">Whole seconds since the restic call started, as restic reports them.</param>
/// <param name="Fraction">Bytes restored of the bytes to restore, 0 to 1.</param>
internal sealed record UnitProgress(
    long SecondsElapsed,
    double Fraction,
    long TotalFiles,
    long FilesDone,
    long TotalBytes,
    long BytesDone)
{
    /// <summary>Unchanged files <c>--overwrite if-changed</c> left alone (a resumed restore).</summary>
    public long FilesSkipped { get; init; }

    public long BytesSkipped { get; init; }

    /// <summary>Which of the unit's restic calls this is (1-based; 0 when not known): each call counts from zero again.</summary>
    public int Call { get; init; }

    /// <summary>How many restic calls the unit has (0 when not known).</summary>
    public int Calls { get; init; }

    /// <summary>The call's last figures, from restic's summary: written even inside the interval when progress was shown.</summary>
    public bool IsFinal { get; init; }

    /// <summary>Bytes per second since the call started; 0 before the first whole second.</summary>
    public double BytesPerSecond => SecondsElapsed > 0 ? (double)BytesDone / SecondsElapsed : 0;

    /// <summary>restic's <c>status</c> line; restic prints <c>seconds_elapsed</c> as a whole number.</summary>
    public static UnitProgress From(ResticMessage.Status status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new UnitProgress(
            (long)Math.Floor(status.SecondsElapsed ?? 0),
            Math.Clamp(status.PercentDone, 0, 1),
            status.TotalFiles,
            status.FilesRestored,
            status.TotalBytes,
            status.BytesRestored)
        {
            FilesSkipped = status.FilesSkipped,
            BytesSkipped = status.BytesSkipped,
            Call = status.Call,
            Calls = status.Calls,
            IsFinal = status.Final,
        };
    }
}
