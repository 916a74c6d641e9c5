using Mono.Unix.Native;

namespace Stash.Restore.Core.Restic;

/// <summary>The filesystem a restore writes to: where it is mounted and the bytes an unprivileged writer may still use (<c>statvfs</c> f_bavail).</summary>
internal sealed record TargetFilesystem(string MountPoint, long Available)
{
    /// <summary>
    /// The filesystem holding <paramref name="path"/> (or, when it does not exist yet, its nearest existing
    /// parent): its mount point is the topmost directory above it on the same device. Null when it cannot be read.
    /// </summary>
    public static TargetFilesystem? Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var existing = Path.GetFullPath(path);
        while (!Directory.Exists(existing) && !File.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
                return null;
            existing = parent;
        }
        if (Syscall.statvfs(existing, out var space) != 0 || Syscall.stat(existing, out var here) != 0)
            return null;
        var mountPoint = existing;
        while (Path.GetDirectoryName(mountPoint) is { } parent
               && Syscall.stat(parent, out var above) == 0 && above.st_dev == here.st_dev)
            mountPoint = parent;
        var available = space.f_bavail * space.f_frsize;
        return new TargetFilesystem(mountPoint, available > long.MaxValue ? long.MaxValue : (long)available);
    }

    /// <summary>The bytes of the files already under <paramref name="path"/> (a file or a folder), which a restore overwrites in place; 0 when absent.</summary>
    public static long BytesUnder(string path)
    {
        if (File.Exists(path))
            return new FileInfo(path).Length;
        if (!Directory.Exists(path))
            return 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        long bytes = 0;
        foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", options))
            bytes += file.Length;
        return bytes;
    }
}
