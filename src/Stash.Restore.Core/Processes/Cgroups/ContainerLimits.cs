using System.Globalization;

namespace Stash.Restore.Core.Processes.Cgroups;

/// <summary>
/// What the container's cgroup allows the executor and its children (restic): the memory limit the
/// kernel's OOM killer enforces, the CPU quota, and where the cgroup counts OOM kills. Read once per
/// run by <see cref="CgroupFiles"/>; <see cref="None"/> outside a container or where nothing is set.
/// </summary>
internal sealed record ContainerLimits
{
    public static readonly ContainerLimits None = new();

    /// <summary>The smallest memory limit of the process's cgroup and its ancestors; null when unlimited.</summary>
    public MemoryLimit? Memory { get; init; }

    /// <summary>The smallest CPU quota of the process's cgroup and its ancestors; null when unlimited.</summary>
    public CpuQuota? Cpu { get; init; }

    /// <summary>The memory cgroup's OOM-kill counter; null where there is no memory cgroup to read.</summary>
    public OomKillCounter? OomKills { get; init; }
}

/// <summary>A cgroup memory limit and the file that set it (for messages: which limit was hit).</summary>
/// <param name="Source">e.g. <c>cgroup v2 memory.max</c>.</param>
internal sealed record MemoryLimit(long Bytes, string Source)
{
    /// <summary>"256 MiB", "1.5 GiB": as a person reads a Kubernetes limit.</summary>
    public string Describe() => Describe(Bytes);

    public static string Describe(long bytes)
    {
        const double MiB = 1024 * 1024;
        return bytes >= 1024 * MiB
            ? (bytes / (1024 * MiB)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB"
            : (bytes / MiB).ToString("0.##", CultureInfo.InvariantCulture) + " MiB";
    }
}

/// <summary>A CFS bandwidth limit: <paramref name="Quota"/> µs of CPU time every <paramref name="Period"/> µs.</summary>
/// <param name="Source">e.g. <c>cgroup v1 cpu.cfs_quota_us/cpu.cfs_period_us</c>.</param>
internal sealed record CpuQuota(long Quota, long Period, string Source)
{
    /// <summary>The CPUs the quota amounts to, e.g. 0.5 for "50000 100000".</summary>
    public double Cpus => (double)Quota / Period;

    /// <summary>The whole CPUs a program may keep busy: the quota rounded up, at least 1.</summary>
    public int WholeCpus => (int)Math.Max(1, Math.Ceiling(Cpus));
}
