using System.Diagnostics;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// A real read-only file system: an empty tmpfs mounted <c>ro</c> on a new directory (root only),
/// unmounted on dispose.
/// </summary>
internal sealed class ReadOnlyMount : IDisposable
{
    private ReadOnlyMount(string path) => Path = path;

    public string Path { get; }

    /// <exception cref="InvalidOperationException">mount refused (see <see cref="RequiresReadOnlyMountFactAttribute"/>).</exception>
    public static ReadOnlyMount Create()
    {
        var path = Directory.CreateTempSubdirectory("ro-mount-").FullName;
        if (!Run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", path))
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs -o ro on {path} failed");
        }
        return new ReadOnlyMount(path);
    }

    public void Dispose()
    {
        Run("umount", Path);
        Directory.Delete(Path);
    }

    internal static bool Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Whether a read-only tmpfs can be mounted here (root, mount allowed); probed once.</summary>
    public static bool Possible => Probe.Value;

    private static readonly Lazy<bool> Probe = new(() =>
    {
        try
        {
            using var mount = Create();
            return !ReadOnlyMount.Run("touch", System.IO.Path.Combine(mount.Path, "probe"));
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    });
}

/// <summary>Runs a theory only where a read-only tmpfs can be mounted; elsewhere it is Skipped with the reason.</summary>
public sealed class RequiresReadOnlyMountTheoryAttribute : TheoryAttribute
{
    public RequiresReadOnlyMountTheoryAttribute()
    {
        if (!ReadOnlyMount.Possible)
            Skip = "skipped: 'mount -t tmpfs -o ro' is not permitted here (needs root and mount rights); a read-only status file location not checked";
    }
}
