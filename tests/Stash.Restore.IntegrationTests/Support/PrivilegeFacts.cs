using System.Diagnostics;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// Runs a test only where <c>chattr +i</c> can make a directory immutable (root on ext4 and the
/// like); elsewhere the test is reported as Skipped with the reason, never as a silent pass.
/// </summary>
public sealed class RequiresImmutableDirectoriesFactAttribute : FactAttribute
{
    public RequiresImmutableDirectoriesFactAttribute()
    {
        if (!PrivilegeProbe.CanMakeImmutable())
            Skip = $"skipped: 'chattr +i' does not work on {Path.GetTempPath()} (not root, chattr missing, or the file system has no immutable flag); unwritable-file restore not checked";
    }
}

/// <summary>
/// Runs a test only where <c>unshare -u</c> can open a UTS namespace (root or CAP_SYS_ADMIN);
/// elsewhere the test is reported as Skipped with the reason.
/// </summary>
public sealed class RequiresUtsNamespaceFactAttribute : FactAttribute
{
    public RequiresUtsNamespaceFactAttribute()
    {
        if (!PrivilegeProbe.CanUnshareUts())
            Skip = "skipped: 'unshare -u' is not permitted here (needs root or CAP_SYS_ADMIN) or unshare is missing; a lock held by another host cannot be simulated";
    }
}

/// <summary>
/// Runs a test only where a small tmpfs can be mounted (root or CAP_SYS_ADMIN, mount installed);
/// elsewhere the test is reported as Skipped with the reason.
/// </summary>
public sealed class RequiresTmpfsMountFactAttribute : FactAttribute
{
    public RequiresTmpfsMountFactAttribute()
    {
        if (!PrivilegeProbe.CanMountTmpfs())
            Skip = "skipped: 'mount -t tmpfs' is not permitted here (needs root or CAP_SYS_ADMIN) or mount is missing; a target too small for the restore cannot be made";
    }
}

/// <summary>Probes the privileges above once per test run.</summary>
internal static class PrivilegeProbe
{
    private static readonly Lazy<bool> Immutable = new(ProbeImmutable);
    private static readonly Lazy<bool> Uts = new(() => Succeeds("unshare", "-u", "true"));

    public static bool CanMakeImmutable() => Immutable.Value;

    public static bool CanUnshareUts() => Uts.Value;

    private static readonly Lazy<bool> Tmpfs = new(ProbeTmpfs);

    public static bool CanMountTmpfs() => Tmpfs.Value;

    private static bool ProbeTmpfs()
    {
        var directory = Directory.CreateTempSubdirectory("tmpfs-probe-").FullName;
        try
        {
            return Succeeds("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", directory) && Succeeds("umount", directory);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    private static bool ProbeImmutable()
    {
        var directory = Directory.CreateTempSubdirectory("chattr-probe-").FullName;
        try
        {
            if (!Succeeds("chattr", "+i", directory))
                return false;
            return Succeeds("chattr", "-i", directory);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    private static bool Succeeds(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}

/// <summary>
/// Runs a test only where a child can obey SIGINT: a process started with SIGINT ignored (a
/// background job of a non-interactive shell, <c>nohup … &amp;</c>) passes that on to its
/// children, and a shell cannot trap a signal ignored on entry (POSIX), so a test of what a child
/// does on SIGINT would measure the launcher instead. Elsewhere the test is reported as Skipped.
/// </summary>
public sealed class RequiresSigintDeliverableFactAttribute : FactAttribute
{
    public RequiresSigintDeliverableFactAttribute()
    {
        if (SignalProbe.SigintIgnored())
            Skip = "skipped: this test process was started with SIGINT ignored (SigIgn in /proc/self/status; e.g. a background job of a non-interactive shell), which its children inherit; run the tests in the foreground to check SIGINT handling";
    }
}

/// <summary>Reads this process's ignored-signal mask.</summary>
internal static class SignalProbe
{
    public static bool SigintIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var mask)
            && (mask & (1UL << (2 - 1))) != 0;
    }
}
