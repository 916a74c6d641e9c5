using System.Runtime.InteropServices;

namespace Stash.Restore.Core.Platform;

/// <summary>
/// A status document kept in a file (<c>--status-file</c>), for either family. Several executors may
/// share it: each change is a locked read-modify-write, and the file is replaced whole (a temporary
/// file renamed over it), so a reader never sees half a document.
/// </summary>
/// <remarks>
/// Because a write replaces the file, only a regular file (or a path that does not exist yet) can hold
/// the status: <c>/dev/null</c>, a FIFO or a directory would be replaced, or a read of a FIFO would wait
/// for ever. Such a path is refused when the store is made, before anything runs. A symbolic link is
/// followed: its target is the file replaced, the link stays. A location that cannot be written
/// (read-only mount, no permission) is one line naming the file and the cause, at the first write.
/// </remarks>
internal sealed class StatusFile
{
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(30);

    /// <summary>.NET on Unix gives an I/O error's errno as its HResult: the lock held by another process (flock), a read-only file system, a full one.</summary>
    private const int WouldBlock = 11;
    private const int ReadOnlyFileSystem = 30;
    private const int NoSpace = 28;

    private readonly IRandomSource _random;

    /// <exception cref="InvalidInputException">The path names something other than a regular file.</exception>
    public StatusFile(string path, IRandomSource? random = null)
    {
        _random = random ?? new SystemRandomSource();
        var full = System.IO.Path.GetFullPath(path);
        Path = FileKinds.Of(full, followLinks: false) == FileKind.SymbolicLink
            ? File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full
            : full;
        if (FileKinds.Of(Path) is { } kind and not FileKind.Regular)
        {
            throw new InvalidInputException(
                $"status file '{full}' is {FileKinds.Describe(kind)}, not a regular file: the status file is replaced whole at every write; name a regular file or a path that does not exist yet");
        }
    }

    /// <summary>The file written (a symbolic link's final target).</summary>
    public string Path { get; }

    /// <summary>The document's text; null when the file does not exist or holds only white space.</summary>
    public string? ReadText()
    {
        try
        {
            var text = File.ReadAllText(Path);
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot read status file '{Path}': {Cause(e)}", e);
        }
    }

    /// <summary>Under the file's lock: reads the text (null: none yet), and replaces the file with what <paramref name="change"/> makes of it.</summary>
    /// <exception cref="DependencyUnavailableException">The location cannot be written: the file and the cause.</exception>
    public async Task ReplaceAsync(Func<string?, string> change, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            await using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
            var updated = change(ReadText());
            var temporary = $"{Path}.tmp-{_random.HexDigits(32)}";
            try
            {
                await File.WriteAllTextAsync(temporary, updated, cancellationToken).ConfigureAwait(false);
                // Checked again under the lock, right before the rename: what stands there now is replaced.
                if (FileKinds.Of(Path) is { } kind and not FileKind.Regular)
                    throw new InvalidInputException($"status file '{Path}' is {FileKinds.Describe(kind)} now, not a regular file: it is not replaced");
                File.Move(temporary, Path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot write status file '{Path}': {Cause(e)}", e);
        }
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException e) when (e.HResult == WouldBlock && waited.Elapsed < LockPatience)
            {
                // Another executor writes its entry now; any other failure (read-only, no space) will not pass by waiting.
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The cause without .NET's repetition of the path: <c>Read-only file system</c>, <c>permission denied</c>.</summary>
    private static string Cause(Exception e)
    {
        if (e is UnauthorizedAccessException)
            return "permission denied (the directory or the file is not writable for this user)";
        switch (e.HResult)
        {
            case ReadOnlyFileSystem:
                return "the location is on a read-only file system";
            case NoSpace:
                return "no space left on the device";
            case WouldBlock:
                return $"another executor held its lock for more than {LockPatience.TotalSeconds:0} s";
        }
        var message = e.Message;
        var quote = message.IndexOf(" : '", StringComparison.Ordinal);
        return (quote > 0 ? message[..quote] : message).TrimEnd('.');
    }
}

/// <summary>What a path names, as <c>stat</c> says.</summary>
internal enum FileKind
{
    Regular,
    Directory,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    SymbolicLink,
}

/// <summary>The kind of file at a path (<c>statx</c>), which .NET does not tell apart for devices and FIFOs.</summary>
internal static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;

    private const int AtSymlinkNoFollow = 0x100;

    /// <summary>The kind of what <paramref name="path"/> names (a link's target's, unless <paramref name="followLinks"/> is false); null when nothing is there (or it cannot be told).</summary>
    public static unsafe FileKind? Of(string path, bool followLinks = true)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer) != 0)
            return null;
        var mode = *(ushort*)(buffer + ModeOffset);
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0xA000 => FileKind.SymbolicLink,
            _ => null,
        };
    }

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        FileKind.SymbolicLink => "a symbolic link",
        _ => "a regular file",
    };

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
