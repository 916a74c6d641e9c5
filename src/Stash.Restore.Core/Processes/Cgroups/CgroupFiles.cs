using System.Globalization;
using System.Text;

namespace Stash.Restore.Core.Processes.Cgroups;

/// <summary>
/// Reads the limits of the cgroup this process runs in, as the kernel enforces them on the container:
/// the process's own cgroup from <c>/proc/self/cgroup</c> (<c>0::/path</c> for cgroup v2, one line
/// per v1 hierarchy), found under the cgroup file system that <c>/proc/self/mountinfo</c> names for
/// the controller (v1 wins where a controller is bound to it: a hybrid host keeps memory there).
/// A limit is the smallest of the cgroup's and its ancestors' up to the mount point: a container may
/// run its processes in a child of the cgroup that carries the limit.
/// </summary>
/// <remarks>
/// Both roots are given, so tests feed sample files for v1 and v2; the CLI passes the real
/// <see cref="DefaultCgroupRoot"/> and <c>/proc/self</c>. Mount points that mountinfo reports under
/// <see cref="DefaultCgroupRoot"/> are read under <c>cgroupRoot</c>. Anything unreadable or
/// malformed counts as "no limit": the restore then runs as it would without this class.
/// </remarks>
internal sealed class CgroupFiles(string cgroupRoot, string procSelf)
{
    /// <summary>Where cgroup file systems are mounted; mountinfo's mount points under it are read under the given root.</summary>
    public const string DefaultCgroupRoot = "/sys/fs/cgroup";

    // cgroup v1 reports "no limit" as PAGE_COUNTER_MAX pages (9223372036854771712 with 4 KiB pages); anything this large is none.
    private const long UnlimitedFrom = 1L << 62;

    private readonly string _cgroupRoot = cgroupRoot ?? throw new ArgumentNullException(nameof(cgroupRoot));
    private readonly string _procSelf = procSelf ?? throw new ArgumentNullException(nameof(procSelf));

    public ContainerLimits Read()
    {
        if (ReadTables() is not ({ } memberships, { } mounts))
            return ContainerLimits.None;
        var memory = Locate("memory", memberships, mounts);
        var cpu = Locate("cpu", memberships, mounts);
        return new ContainerLimits
        {
            Memory = memory is null ? null : ReadMemoryLimit(memory),
            Cpu = cpu is null ? null : ReadCpuQuota(cpu),
            OomKills = memory is null ? null : OomCounter(memory),
        };
    }

    /// <summary>
    /// The process's own cgroup directory for <paramref name="controller"/> (<c>memory</c>, <c>cpu</c>) and
    /// the cgroup version of its hierarchy; null where the controller is not mounted.
    /// </summary>
    public (int Version, string Directory)? OwnCgroup(string controller) =>
        ReadTables() is ({ } memberships, { } mounts) && Locate(controller, memberships, mounts) is { } hierarchy
            ? (hierarchy.Version, hierarchy.Directories[0])
            : null;

    private (List<Membership> Memberships, List<Mount> Mounts)? ReadTables()
    {
        try
        {
            return (
                [.. File.ReadLines(Path.Combine(_procSelf, "cgroup")).Select(Membership.Parse).OfType<Membership>()],
                [.. File.ReadLines(Path.Combine(_procSelf, "mountinfo")).Select(Mount.Parse).OfType<Mount>()]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The process's cgroup for <paramref name="controller"/>: its directories from its own up to the mount point.</summary>
    private Hierarchy? Locate(string controller, List<Membership> memberships, List<Mount> mounts)
    {
        var v1Membership = memberships.FirstOrDefault(m => m.Id != 0 && m.Controllers.Contains(controller));
        var v1Mount = mounts.FirstOrDefault(m => m.FileSystem == "cgroup" && m.SuperOptions.Contains(controller));
        if (v1Membership is not null && v1Mount is not null)
            return new Hierarchy(1, Directories(v1Mount, v1Membership.Path));

        var v2Membership = memberships.FirstOrDefault(m => m.Id == 0 && m.Controllers.Count == 0);
        var v2Mount = mounts.FirstOrDefault(m => m.FileSystem == "cgroup2");
        return v2Membership is not null && v2Mount is not null ? new Hierarchy(2, Directories(v2Mount, v2Membership.Path)) : null;
    }

    /// <summary>The cgroup's directory and each ancestor's, up to and including the mount point.</summary>
    private List<string> Directories(Mount mount, string path)
    {
        // Without a cgroup namespace the mount's root is the container's own cgroup (/kubepods/…) and
        // /proc/self/cgroup names it in full: the part below the root is where we are inside the mount.
        var relative = mount.Root == "/" ? path
            : path == mount.Root || path.StartsWith(mount.Root + "/", StringComparison.Ordinal) ? path[mount.Root.Length..]
            : "/";
        var top = ReadPath(mount.MountPoint);
        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // A path outside the namespace shows as "/../…": nothing below the mount point is ours to read then.
        if (segments.Any(s => s is ".." or "."))
            segments = [];
        var directories = new List<string>();
        for (var depth = segments.Length; depth >= 0; depth--)
            directories.Add(Path.Join([top, .. segments[..depth]]));
        return directories;
    }

    /// <summary>Where a mount point of mountinfo is read: under the given cgroup root when it lies under /sys/fs/cgroup.</summary>
    private string ReadPath(string mountPoint) =>
        mountPoint == DefaultCgroupRoot ? _cgroupRoot
        : mountPoint.StartsWith(DefaultCgroupRoot + "/", StringComparison.Ordinal) ? Path.Join(_cgroupRoot, mountPoint[DefaultCgroupRoot.Length..])
        : mountPoint;

    private static MemoryLimit? ReadMemoryLimit(Hierarchy memory)
    {
        var file = memory.Version == 2 ? "memory.max" : "memory.limit_in_bytes";
        long? smallest = null;
        foreach (var directory in memory.Directories)
        {
            if (ReadFirstLine(Path.Combine(directory, file)) is not { } text || text == "max")
                continue;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 && bytes < UnlimitedFrom)
                smallest = Math.Min(smallest ?? long.MaxValue, bytes);
        }
        return smallest is { } limit ? new MemoryLimit(limit, $"cgroup v{memory.Version} {file}") : null;
    }

    private static CpuQuota? ReadCpuQuota(Hierarchy cpu)
    {
        CpuQuota? smallest = null;
        foreach (var directory in cpu.Directories)
        {
            var quota = cpu.Version == 2 ? ReadCpuMax(directory) : ReadCfsQuota(directory);
            if (quota is not null && (smallest is null || quota.Cpus < smallest.Cpus))
                smallest = quota;
        }
        return smallest;
    }

    /// <summary>cgroup v2 <c>cpu.max</c>: "max 100000" (no limit) or "50000 100000".</summary>
    private static CpuQuota? ReadCpuMax(string directory)
    {
        var fields = ReadFirstLine(Path.Combine(directory, "cpu.max"))?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is [var quota, var period] && Positive(quota) is { } q && Positive(period) is { } p
            ? new CpuQuota(q, p, "cgroup v2 cpu.max")
            : null;
    }

    /// <summary>cgroup v1 <c>cpu.cfs_quota_us</c> (-1: no limit) and <c>cpu.cfs_period_us</c>.</summary>
    private static CpuQuota? ReadCfsQuota(string directory) =>
        Positive(ReadFirstLine(Path.Combine(directory, "cpu.cfs_quota_us"))) is { } quota
        && Positive(ReadFirstLine(Path.Combine(directory, "cpu.cfs_period_us"))) is { } period
            ? new CpuQuota(quota, period, "cgroup v1 cpu.cfs_quota_us/cpu.cfs_period_us")
            : null;

    private static OomKillCounter? OomCounter(Hierarchy memory)
    {
        // The victim's own cgroup counts the kill (v2 also counts it in every ancestor): restic runs in ours.
        var file = Path.Combine(memory.Directories[0], memory.Version == 2 ? "memory.events" : "memory.oom_control");
        return File.Exists(file) ? new OomKillCounter(file) : null;
    }

    private static long? Positive(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    private static string? ReadFirstLine(string file)
    {
        try
        {
            return File.Exists(file) ? File.ReadLines(file).FirstOrDefault()?.Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The cgroup version of a controller's hierarchy and the directories to read, the process's own first.</summary>
    private sealed record Hierarchy(int Version, List<string> Directories);

    /// <summary>A line of /proc/self/cgroup: "4:memory:/kubepods/pod1/c1", "0::/".</summary>
    private sealed record Membership(int Id, IReadOnlySet<string> Controllers, string Path)
    {
        public static Membership? Parse(string line)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                return null;
            return new Membership(id, parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal), parts[2]);
        }
    }

    /// <summary>A line of /proc/self/mountinfo: "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory".</summary>
    private sealed record Mount(string Root, string MountPoint, string FileSystem, IReadOnlySet<string> SuperOptions)
    {
        public static Mount? Parse(string line)
        {
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0)
                return null;
            var fields = line[..separator].Split(' ');
            var tail = line[(separator + 3)..].Split(' ');
            if (fields.Length < 5 || tail.Length < 3)
                return null;
            return new Mount(Unescape(fields[3]), Unescape(fields[4]), tail[0], tail[2].Split(',').ToHashSet(StringComparer.Ordinal));
        }

        /// <summary>mountinfo writes space, tab, newline and backslash in paths as octal escapes (\040).</summary>
        private static string Unescape(string field)
        {
            if (!field.Contains('\\', StringComparison.Ordinal))
                return field;
            var text = new StringBuilder();
            for (var i = 0; i < field.Length; i++)
            {
                if (field[i] == '\\' && IsOctal(field, i + 1))
                {
                    text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                    i += 3;
                }
                else
                {
                    text.Append(field[i]);
                }
            }
            return text.ToString();
        }

        private static bool IsOctal(string field, int at) =>
            at + 3 <= field.Length && field.Substring(at, 3).All(c => c is >= '0' and <= '7');
    }
}
