using Stash.Restore.Core.Processes.Cgroups;

namespace Stash.Restore.Core.Tests.Processes.Cgroups;

/// <summary>A container's limits in the words the executor uses for them (OOM-kill messages, GOMAXPROCS).</summary>
public sealed class ContainerLimitsTests
{
    [Theory]
    [InlineData(256L * 1024 * 1024, "256 MiB")]
    [InlineData(100_000_000, "95.37 MiB")]
    [InlineData(1536L * 1024 * 1024, "1.5 GiB")]
    [InlineData(1024L * 1024 * 1024, "1 GiB")]
    public void A_memory_limit_reads_as_a_kubernetes_limit_would(long bytes, string expected) =>
        Assert.Equal(expected, new MemoryLimit(bytes, "cgroup v2 memory.max").Describe());

    [Theory]
    [InlineData(50000, 100000, 0.5, 1)]
    [InlineData(150000, 100000, 1.5, 2)]
    [InlineData(200000, 100000, 2.0, 2)]
    public void A_cpu_quota_is_its_cpus_and_the_whole_cpus_a_program_may_keep_busy(long quota, long period, double cpus, int whole)
    {
        var limit = new CpuQuota(quota, period, "cgroup v2 cpu.max");
        Assert.Equal(cpus, limit.Cpus);
        Assert.Equal(whole, limit.WholeCpus);
    }

    [Fact]
    public void None_has_no_limit_and_no_counter() =>
        Assert.Equal((null, null, null), (ContainerLimits.None.Memory, ContainerLimits.None.Cpu, ContainerLimits.None.OomKills));
}
