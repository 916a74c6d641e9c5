using Stash.Restore.Core.Processes.Cgroups;

namespace Stash.Restore.Core.Tests.Processes.Cgroups;

/// <summary>
/// <see cref="CgroupFiles"/> on sample trees shaped as real hosts lay them out: a cgroup v2 node (the
/// container's own cgroup at the namespace root, and a process in a child of the limited cgroup), a
/// cgroup v1 node without a cgroup namespace (Docker's layout), and a hybrid host whose memory
/// controller is on v1 with an empty v2 beside it.
/// </summary>
public sealed class CgroupFilesTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("cgroup-sample-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Proc => Path.Combine(_root, "proc-self");

    private string Cgroup => Path.Combine(_root, "sys-fs-cgroup");

    private CgroupFiles Files() => new(Cgroup, Proc);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private void ProcSelf(string cgroup, params string[] mounts)
    {
        Write("proc-self/cgroup", cgroup);
        Write("proc-self/mountinfo", string.Join('\n', [
            "22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
            "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw",
            .. mounts]) + "\n");
    }

    private const string V2Mount = "30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot";

    [Fact]
    public void Cgroup_v2_limit_quota_and_oom_counter_of_the_containers_own_cgroup()
    {
        ProcSelf("0::/\n", V2Mount);
        Write("sys-fs-cgroup/memory.max", "268435456\n");
        Write("sys-fs-cgroup/cpu.max", "50000 100000\n");
        Write("sys-fs-cgroup/memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n");

        var limits = Files().Read();

        Assert.Equal(new MemoryLimit(256 * MiB, "cgroup v2 memory.max"), limits.Memory);
        Assert.Equal("256 MiB", limits.Memory!.Describe());
        Assert.Equal(new CpuQuota(50000, 100000, "cgroup v2 cpu.max"), limits.Cpu);
        Assert.Equal(1, limits.Cpu!.WholeCpus);
        Assert.Equal(2, limits.OomKills!.Read());
    }

    [Fact]
    public void Cgroup_v2_limit_set_on_an_ancestor_counts_and_the_smallest_wins()
    {
        ProcSelf("0::/kubepods.slice/pod1/restore\n", V2Mount);
        Write("sys-fs-cgroup/kubepods.slice/pod1/restore/memory.max", "max\n");
        Write("sys-fs-cgroup/kubepods.slice/pod1/restore/cpu.max", "max 100000\n");
        Write("sys-fs-cgroup/kubepods.slice/pod1/restore/memory.events", "oom_kill 0\n");
        Write("sys-fs-cgroup/kubepods.slice/pod1/memory.max", "536870912\n");
        Write("sys-fs-cgroup/kubepods.slice/pod1/cpu.max", "150000 100000\n");
        Write("sys-fs-cgroup/kubepods.slice/memory.max", "1073741824\n");
        Write("sys-fs-cgroup/kubepods.slice/cpu.max", "400000 100000\n");

        var limits = Files().Read();

        Assert.Equal(512 * MiB, limits.Memory!.Bytes);
        Assert.Equal(1.5, limits.Cpu!.Cpus);
        Assert.Equal(2, limits.Cpu.WholeCpus);
        // Kills are counted in the process's own cgroup, where restic runs.
        Assert.Equal(Path.Combine(Cgroup, "kubepods.slice/pod1/restore/memory.events"), limits.OomKills!.File);
    }

    [Fact]
    public void Cgroup_v2_without_limits_changes_nothing()
    {
        ProcSelf("0::/\n", V2Mount);
        Write("sys-fs-cgroup/memory.max", "max\n");
        Write("sys-fs-cgroup/cpu.max", "max 100000\n");
        Write("sys-fs-cgroup/memory.events", "oom_kill 0\n");

        var limits = Files().Read();

        Assert.Null(limits.Memory);
        Assert.Null(limits.Cpu);
        Assert.Equal(0, limits.OomKills!.Read());
    }

    [Fact]
    public void Cgroup_v1_without_a_namespace_reads_the_containers_cgroup_at_the_mount_point()
    {
        // Docker and containerd on v1 bind the container's own cgroup at the mount point, and
        // /proc/self/cgroup still names its full path on the host.
        const string container = "/kubepods/burstable/pod7/0a1b2c";
        ProcSelf(
            $"12:pids:{container}\n11:memory:{container}\n4:cpu,cpuacct:{container}\n1:name=systemd:{container}\n0::/\n",
            $"31 30 0:28 {container} /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:11 - cgroup cgroup rw,memory",
            $"32 30 0:29 {container} /sys/fs/cgroup/cpu,cpuacct ro,nosuid,nodev,noexec,relatime master:12 - cgroup cgroup rw,cpu,cpuacct");
        Write("sys-fs-cgroup/memory/memory.limit_in_bytes", "201326592\n");
        Write("sys-fs-cgroup/memory/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n");
        Write("sys-fs-cgroup/cpu,cpuacct/cpu.cfs_quota_us", "250000\n");
        Write("sys-fs-cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");

        var limits = Files().Read();

        Assert.Equal(new MemoryLimit(192 * MiB, "cgroup v1 memory.limit_in_bytes"), limits.Memory);
        Assert.Equal(3, limits.Cpu!.WholeCpus);
        Assert.Equal("cgroup v1 cpu.cfs_quota_us/cpu.cfs_period_us", limits.Cpu.Source);
        Assert.Equal(5, limits.OomKills!.Read());
    }

    [Fact]
    public void Hybrid_host_reads_memory_from_v1_and_takes_v1s_unlimited_as_no_limit()
    {
        // A hybrid host: memory on v1 (this process in a child cgroup), an empty cgroup2 beside it.
        ProcSelf(
            "9:name=systemd:/\n4:memory:/process_api/043a\n1:cpu:/\n0::/\n",
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");
        Write("sys-fs-cgroup/memory/process_api/043a/memory.limit_in_bytes", "9223372036854771712\n");
        Write("sys-fs-cgroup/memory/process_api/043a/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        Write("sys-fs-cgroup/memory/process_api/memory.limit_in_bytes", "9223372036854771712\n");
        Write("sys-fs-cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        Write("sys-fs-cgroup/cpu/cpu.cfs_quota_us", "-1\n");
        Write("sys-fs-cgroup/cpu/cpu.cfs_period_us", "100000\n");

        var limits = Files().Read();

        Assert.Null(limits.Memory);
        Assert.Null(limits.Cpu);
        Assert.Equal(Path.Combine(Cgroup, "memory/process_api/043a/memory.oom_control"), limits.OomKills!.File);

        Write("sys-fs-cgroup/memory/process_api/043a/memory.limit_in_bytes", "134217728\n");
        Assert.Equal(new MemoryLimit(128 * MiB, "cgroup v1 memory.limit_in_bytes"), Files().Read().Memory);
    }

    [Fact]
    public void A_mount_point_with_a_space_is_unescaped()
    {
        ProcSelf("0::/\n", @"30 22 0:26 / /sys/fs/cgroup/my\040cgroup rw - cgroup2 cgroup2 rw");
        Write("sys-fs-cgroup/my cgroup/memory.max", "104857600\n");

        Assert.Equal(100 * MiB, Files().Read().Memory!.Bytes);
    }

    [Fact]
    public void No_proc_files_or_no_cgroup_mount_means_no_limits()
    {
        Assert.Same(ContainerLimits.None, Files().Read());

        ProcSelf("0::/\n"); // no cgroup file system mounted
        var limits = Files().Read();
        Assert.Null(limits.Memory);
        Assert.Null(limits.Cpu);
        Assert.Null(limits.OomKills);
    }
}
