using System.Globalization;
using Stash.Restore.Core.Processes.Cgroups;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// A cgroup made for one test, limited as Kubernetes limits a restore container: a memory limit with
/// no swap, and optionally a CPU quota. It is a child of this test process's own cgroup on cgroup v1
/// (the memory and cpu hierarchies); on cgroup v2, of our own cgroup where it delegates the
/// controllers, else of the root. <see cref="RunUnder"/> starts a command inside it: a shell writes
/// its own pid to each <c>cgroup.procs</c>, then execs the command (no systemd or cgexec needed), so
/// the command and everything it starts (restic) are charged to it. Disposing kills what is left in
/// it and removes it.
/// </summary>
internal sealed class TestCgroup : IDisposable
{
    private const string RealProcSelf = "/proc/self";
    private static readonly Lazy<string?> MemoryProbe = new(() => Probe(cpu: false));
    private static readonly Lazy<string?> CpuProbe = new(() => Probe(cpu: true));

    private readonly List<string> _directories;

    private TestCgroup(int version, List<string> directories)
    {
        Version = version;
        _directories = directories;
    }

    /// <summary>Why memory cgroups cannot be made here, or null when they can.</summary>
    public static string? MemoryUnavailable => MemoryProbe.Value;

    /// <summary>Why a cgroup with a CPU quota cannot be made here, or null when it can.</summary>
    public static string? CpuUnavailable => CpuProbe.Value;

    /// <summary>1 or 2.</summary>
    public int Version { get; }

    /// <summary>The memory cgroup's directory.</summary>
    public string MemoryDirectory => _directories[0];

    /// <summary>
    /// The program and arguments that run a command inside the cgroup, to put in front of it
    /// (<see cref="ExecutorProcess.Start"/>'s <c>runUnder</c>).
    /// </summary>
    public IReadOnlyList<string> RunUnder =>
    [
        "sh", "-c", "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"", "cgroup-exec",
        .. _directories.Select(d => Path.Combine(d, "cgroup.procs")), "--",
    ];

    /// <summary>What the memory limit is called in the executor's messages: "cgroup v1 memory.limit_in_bytes".</summary>
    public string LimitSource => Version == 2 ? "cgroup v2 memory.max" : "cgroup v1 memory.limit_in_bytes";

    /// <summary>Processes the kernel's OOM killer ended in this cgroup.</summary>
    public long OomKills() =>
        new OomKillCounter(Path.Combine(MemoryDirectory, Version == 2 ? "memory.events" : "memory.oom_control")).Read()
        ?? throw new InvalidOperationException($"no oom_kill count in {MemoryDirectory}");

    /// <summary>The pids now in the cgroup.</summary>
    public IReadOnlyList<int> Processes() =>
        [.. File.ReadAllLines(Path.Combine(MemoryDirectory, "cgroup.procs")).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];

    /// <summary>A new cgroup limited to <paramref name="memoryBytes"/>, and to <paramref name="cpuQuota"/> µs every 100 ms when given.</summary>
    public static TestCgroup Create(long memoryBytes, long? cpuQuota = null)
    {
        if ((cpuQuota is null ? MemoryUnavailable : CpuUnavailable) is { } reason)
            throw new InvalidOperationException(reason);
        return Make(memoryBytes, cpuQuota);
    }

    private static TestCgroup Make(long memoryBytes, long? cpuQuota)
    {
        var name = "stash-restore-test-" + Guid.NewGuid().ToString("N")[..12];
        var memory = Parent("memory") ?? throw new InvalidOperationException("no memory cgroup");
        var cgroup = new TestCgroup(memory.Version, [Path.Combine(memory.Directory, name)]);
        try
        {
            Directory.CreateDirectory(cgroup.MemoryDirectory);
            if (memory.Version == 2)
            {
                Write(cgroup.MemoryDirectory, "memory.max", memoryBytes);
                if (File.Exists(Path.Combine(cgroup.MemoryDirectory, "memory.swap.max")))
                    Write(cgroup.MemoryDirectory, "memory.swap.max", 0);
            }
            else
            {
                Write(cgroup.MemoryDirectory, "memory.limit_in_bytes", memoryBytes);
                if (File.Exists(Path.Combine(cgroup.MemoryDirectory, "memory.memsw.limit_in_bytes")))
                    Write(cgroup.MemoryDirectory, "memory.memsw.limit_in_bytes", memoryBytes);
            }
            if (cpuQuota is { } quota)
            {
                var cpu = Parent("cpu")!.Value;
                var directory = cpu.Directory == memory.Directory ? cgroup.MemoryDirectory : Path.Combine(cpu.Directory, name);
                if (directory != cgroup.MemoryDirectory)
                {
                    Directory.CreateDirectory(directory);
                    cgroup._directories.Add(directory);
                }
                if (cpu.Version == 2)
                {
                    File.WriteAllText(Path.Combine(directory, "cpu.max"), $"{quota} 100000");
                }
                else
                {
                    Write(directory, "cpu.cfs_period_us", 100000);
                    Write(directory, "cpu.cfs_quota_us", quota);
                }
            }
            return cgroup;
        }
        catch
        {
            cgroup.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var directory in Enumerable.Reverse(_directories))
        {
            if (!Directory.Exists(directory))
                continue;
            // A test that failed half-way may leave its processes: they die with the cgroup.
            foreach (var pid in File.ReadAllLines(Path.Combine(directory, "cgroup.procs")).Where(l => l.Length > 0))
                _ = Mono.Unix.Native.Syscall.kill(int.Parse(pid, CultureInfo.InvariantCulture), Mono.Unix.Native.Signum.SIGKILL);
            var until = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    Directory.Delete(directory); // rmdir: a cgroup's files are not real files
                    break;
                }
                catch (IOException) when (DateTime.UtcNow < until)
                {
                    Thread.Sleep(50); // the killed processes are still being reaped
                }
            }
        }
    }

    private static void Write(string directory, string file, long value) =>
        File.WriteAllText(Path.Combine(directory, file), value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Where a test cgroup for <paramref name="controller"/> goes: our own cgroup, or on v2 the root when ours does not delegate it.</summary>
    private static (int Version, string Directory)? Parent(string controller)
    {
        if (new CgroupFiles(CgroupFiles.DefaultCgroupRoot, RealProcSelf).OwnCgroup(controller) is not { } own)
            return null;
        if (own.Version == 1)
            return own;
        // cgroup v2: children get a controller only where the parent delegates it (and only a cgroup
        // without processes of its own may delegate, the root excepted).
        if (Delegates(own.Directory, controller))
            return own;
        return Delegates(CgroupFiles.DefaultCgroupRoot, controller) ? (2, CgroupFiles.DefaultCgroupRoot) : null;
    }

    private static bool Delegates(string directory, string controller)
    {
        var file = Path.Combine(directory, "cgroup.subtree_control");
        return File.Exists(file) && File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains(controller);
    }

    /// <summary>Makes and removes a cgroup once; the reason it cannot be done, or null.</summary>
    private static string? Probe(bool cpu)
    {
        if (Mono.Unix.Native.Syscall.geteuid() != 0)
            return "skipped: cgroups can only be made as root (CI runs the tests as root)";
        var controller = cpu ? "cpu" : "memory";
        if (Parent("memory") is null || (cpu && Parent("cpu") is null))
            return $"skipped: no writable {controller} cgroup here (neither cgroup v1's {controller} controller nor cgroup v2 with {controller} delegated to us or at the root)";
        try
        {
            using var probe = Make(64L * 1024 * 1024, cpu ? 50000 : null);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"skipped: a {controller} cgroup could not be made here: {e.Message}";
        }
    }
}

/// <summary>Runs a test only where memory cgroups can be made (root, cgroup v1 or v2); elsewhere it is Skipped with the reason.</summary>
public sealed class RequiresMemoryCgroupFactAttribute : FactAttribute
{
    public RequiresMemoryCgroupFactAttribute()
    {
        if (TestCgroup.MemoryUnavailable is { } reason)
            Skip = reason;
    }
}

/// <summary>Runs a test only where cgroups with a memory limit and a CPU quota can be made; elsewhere it is Skipped with the reason.</summary>
public sealed class RequiresCpuCgroupFactAttribute : FactAttribute
{
    public RequiresCpuCgroupFactAttribute()
    {
        if (TestCgroup.CpuUnavailable is { } reason)
            Skip = reason;
    }
}

/// <summary>
/// Runs a test of how little memory the shipped executor needs only where memory cgroups can be made,
/// the published Native AOT binary is under test (<c>STASH_RESTORE_BINARY</c>: the JIT build's own
/// memory is another program's) and the temp folder is not tmpfs (whose pages a cgroup cannot
/// reclaim); elsewhere it is Skipped with the reason.
/// </summary>
public sealed class RequiresMemoryCgroupAndShippedBinaryFactAttribute : FactAttribute
{
    public RequiresMemoryCgroupAndShippedBinaryFactAttribute()
    {
        if (TestCgroup.MemoryUnavailable is { } reason)
            Skip = reason;
        else if (ExecutorProcess.Binary is null)
            Skip = $"skipped: set {ExecutorProcess.BinaryVariable} to the published Native AOT binary (scripts/test.sh does): the JIT build's own memory is not the shipped executor's";
        else if (new DriveInfo(Path.GetTempPath()).DriveFormat == "tmpfs")
            Skip = $"skipped: {Path.GetTempPath()} is tmpfs, whose restored files stay in the cgroup's memory; the memory floor is measured on a disk";
    }
}
