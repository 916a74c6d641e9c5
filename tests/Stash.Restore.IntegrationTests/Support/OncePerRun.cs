using System.Diagnostics;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// A read-only fixture that is costly to build (restic backups) made once per test run and handed to
/// every test class that asks for it, instead of once per class. It lives in a folder named after the
/// test process (<c>$TMPDIR/stash-restore-once-per-run/&lt;pid&gt;-&lt;name&gt;</c>): the test host may
/// end without running disposers, so each run removes the folders of test processes that are gone.
/// Only for fixtures no test writes to.
/// </summary>
internal sealed class OncePerRun<T>(string name, Func<string, Task<T>> build)
{
    private static readonly string Parent = Path.Combine(Path.GetTempPath(), "stash-restore-once-per-run");

    private readonly Lazy<Task<T>> _value = new(() => build(FreshFolder(name)));

    public Task<T> GetAsync() => _value.Value;

    private static string FreshFolder(string name)
    {
        Directory.CreateDirectory(Parent);
        foreach (var stale in Directory.GetDirectories(Parent).Where(d => !IsAlive(Path.GetFileName(d))))
            WorkDirectory.DeleteQuietly(stale);
        var folder = Path.Combine(Parent, $"{Environment.ProcessId}-{name}");
        WorkDirectory.DeleteQuietly(folder);
        return Directory.CreateDirectory(folder).FullName;
    }

    private static bool IsAlive(string folder)
    {
        var dash = folder.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !int.TryParse(folder.AsSpan(0, dash), out var pid))
            return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
