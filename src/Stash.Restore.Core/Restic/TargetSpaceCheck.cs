using System.Globalization;

namespace Stash.Restore.Core.Restic;

/// <summary>
/// What one restic call needs on one filesystem: the snapshot's size (restic ≥ 0.17 keeps it in the
/// snapshot's summary) less the bytes of the files already at its paths, which restic overwrites in
/// place; <see cref="Unknown"/> says why the size is not known before restic writes.
/// </summary>
internal sealed record CallSpace(string Description, TargetFilesystem? Filesystem, long? Needed, string? Unknown)
{
    /// <summary>The snapshot's size and what the target already holds, for messages: "snapshot 1a2b3c4d: 30.0 MiB, 2.0 MiB already there".</summary>
    public string? Detail { get; init; }
}

/// <summary>One filesystem's figures over every call that writes to it.</summary>
internal sealed record FilesystemSpace(TargetFilesystem Filesystem, long Needed)
{
    public bool Fits => Needed <= Filesystem.Available;

    /// <summary>"the filesystem mounted at /data has 1.0 MiB free; the restore needs 30.0 MiB".</summary>
    public string Describe() =>
        $"the filesystem mounted at {Filesystem.MountPoint} has {HumanReadable.Bytes(Filesystem.Available)} free; the restore needs {HumanReadable.Bytes(Needed)}";
}

/// <summary>
/// The free-space check before restic writes (<c>--skip-space-check</c> turns the refusal off): per call
/// the size it needs, summed per filesystem against its free space. A call whose size is not known
/// (include/exclude, a snapshot written by restic before 0.17) is not checked, and that is said.
/// </summary>
internal sealed record TargetSpaceCheck(IReadOnlyList<CallSpace> Calls)
{
    private static readonly string[] SelectingFlags = ["--include", "--exclude", "--iinclude", "--iexclude"];

    /// <summary>Every filesystem some call with a known size writes to, with the sum of those sizes.</summary>
    public IReadOnlyList<FilesystemSpace> Filesystems =>
        [.. Calls.Where(c => c.Filesystem is not null && c.Needed is not null)
            .GroupBy(c => c.Filesystem!.MountPoint, StringComparer.Ordinal)
            .Select(g => new FilesystemSpace(g.First().Filesystem!, g.Sum(c => c.Needed!.Value)))];

    /// <summary>The first filesystem the restore cannot fit in, or null.</summary>
    public FilesystemSpace? Short => Filesystems.FirstOrDefault(f => !f.Fits);

    /// <summary>The figures of the filesystem <paramref name="call"/> writes to, for a "no space left" during the restore; null when unknown.</summary>
    public string? FiguresFor(string call)
    {
        var mine = Calls.FirstOrDefault(c => c.Description == call);
        if (mine?.Filesystem is not { } filesystem)
            return null;
        if (Filesystems.FirstOrDefault(f => f.Filesystem.MountPoint == filesystem.MountPoint) is { } known)
            return $"before the restore {known.Describe()}";
        return $"before the restore the filesystem mounted at {filesystem.MountPoint} had {HumanReadable.Bytes(filesystem.Available)} free (the restore's size was not known: {mine.Unknown})";
    }

    /// <summary>The refusal: one line naming the filesystem, its free space and the size needed; null when everything fits.</summary>
    public string? Refusal() => Short is { } shortOf
        ? $"not enough space in the target: {shortOf.Describe()} ({string.Join(", ", Calls.Where(c => c.Filesystem?.MountPoint == shortOf.Filesystem.MountPoint && c.Detail is not null).Select(c => c.Detail))}); nothing was written; --skip-space-check restores anyway"
        : null;

    /// <summary>The calls left unchecked and why, for the log.</summary>
    public IEnumerable<string> Unchecked() => Calls.Where(c => c.Unknown is not null).Select(c => $"{c.Description}: {c.Unknown}");

    /// <summary>
    /// What each call of <paramref name="plan"/> needs, from the repository's snapshots as <c>restic
    /// snapshots --json</c> listed them. <paramref name="filesystemOf"/> and <paramref name="bytesUnder"/>
    /// read the target (<see cref="TargetFilesystem.Of"/>, <see cref="TargetFilesystem.BytesUnder"/>).
    /// </summary>
    public static TargetSpaceCheck For(ResticPlan plan, IReadOnlyList<ResticSnapshot> snapshots, Func<string, TargetFilesystem?> filesystemOf, Func<string, long> bytesUnder)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(snapshots);
        var target = plan.Options?.TargetDirectory ?? "/";
        var calls = new List<CallSpace>();
        foreach (var call in plan.Invocations)
        {
            var snapshot = ResticSnapshotList.Resolve(snapshots, call);
            var paths = snapshot?.Paths ?? call.RestoredPaths ?? [];
            var where = paths.Select(p => Path.Join(target, p.TrimStart('/'))).ToList();
            var filesystems = where.Select(filesystemOf).ToList();
            var filesystem = filesystems.FirstOrDefault();
            string? unknown = null;
            if (call.Process.Arguments.Any(a => SelectingFlags.Any(f => a == f || a.StartsWith(f, StringComparison.Ordinal))))
                unknown = "include/exclude select part of the snapshot, whose size restic does not know before it restores";
            else if (snapshot is null)
                unknown = "the snapshot it restores was not found in the listing";
            else if (snapshot.TotalBytes is null)
                unknown = $"snapshot {snapshot.ShortId} keeps no size (made by restic before 0.17)";
            else if (filesystems.Any(f => f is null))
                unknown = "the target's filesystem could not be read";
            else if (filesystems.Select(f => f!.MountPoint).Distinct(StringComparer.Ordinal).Count() > 1)
                unknown = $"snapshot {snapshot.ShortId}'s paths lie on {filesystems.Select(f => f!.MountPoint).Distinct(StringComparer.Ordinal).Count()} filesystems, and its size per filesystem is not known";
            if (unknown is not null || snapshot?.TotalBytes is not { } size)
            {
                calls.Add(new CallSpace(call.Description, filesystem, null, unknown));
                continue;
            }
            var present = where.Sum(bytesUnder);
            var detail = string.Create(CultureInfo.InvariantCulture, $"snapshot {snapshot.ShortId}: {HumanReadable.Bytes(size)}")
                + (present > 0 ? $", {HumanReadable.Bytes(present)} already there" : "");
            calls.Add(new CallSpace(call.Description, filesystem, Math.Max(0, size - present), null) { Detail = detail });
        }
        return new TargetSpaceCheck(calls);
    }
}
