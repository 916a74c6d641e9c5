using Stash.Restore.Core.Processes.Cgroups;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>What restic's Go runtime is given for the container's limits, and when it is left alone.</summary>
public sealed class GoRuntimeEnvironmentTests
{
    private const long MiB = 1024 * 1024;
    private static readonly Version Go124 = new(1, 24, 4);
    private static readonly Dictionary<string, string> NothingSet = [];

    private static ContainerLimits Limits(long? memoryMiB = null, long? quota = null) => new()
    {
        Memory = memoryMiB is { } m ? new MemoryLimit(m * MiB, "cgroup v2 memory.max") : null,
        Cpu = quota is { } q ? new CpuQuota(q, 100000, "cgroup v2 cpu.max") : null,
    };

    [Theory]
    [InlineData(256, "203MiB")]
    [InlineData(176, "127MiB")]
    [InlineData(1024, "932MiB")]
    [InlineData(4096, "3851MiB")] // "4 GiB" in the note
    [InlineData(48, "12MiB")] // less than the executor's share and headroom: a quarter of the limit
    public void Gomemlimit_is_the_limit_less_the_executor_and_headroom(long limitMiB, string expected)
    {
        var settings = GoRuntimeEnvironment.Choose(Limits(limitMiB), NothingSet, Go124);

        Assert.Equal(expected, settings.Variables["GOMEMLIMIT"]);
        var note = Assert.Single(settings.Notes);
        Assert.StartsWith($"restic gets GOMEMLIMIT={expected}", note, StringComparison.Ordinal);
        Assert.Contains($"the container's memory limit of {MemoryLimit.Describe(limitMiB * MiB)} (cgroup v2 memory.max)", note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GOMEMLIMIT", "100MiB")]
    [InlineData("GOGC", "50")]
    public void A_pods_own_gomemlimit_or_gogc_leaves_both_alone_and_says_so(string name, string value)
    {
        var inherited = GoRuntimeEnvironment.Inherited(new Dictionary<string, string> { [name] = value, ["PATH"] = "/bin", ["GOMAXPROCS"] = "" });

        var settings = GoRuntimeEnvironment.Choose(Limits(256), inherited, Go124);

        Assert.Empty(settings.Variables);
        Assert.Equal(
            $"restic keeps {name}={value} from the pod's environment (the container's memory limit is 256 MiB, cgroup v2 memory.max); GOMEMLIMIT and GOGC are left as they are",
            Assert.Single(settings.Notes));
    }

    [Theory]
    [InlineData(50000, "1")] // half a CPU: rounded up
    [InlineData(100000, "1")]
    [InlineData(150000, "2")]
    [InlineData(1000, "1")] // at least one
    [InlineData(400000, "4")]
    public void Gomaxprocs_is_the_quota_rounded_up_for_go_before_1_25(long quota, string expected)
    {
        var settings = GoRuntimeEnvironment.Choose(Limits(quota: quota), NothingSet, Go124);

        Assert.Equal(new Dictionary<string, string> { ["GOMAXPROCS"] = expected }, settings.Variables);
        Assert.Contains("restic's Go 1.24 ignores it", Assert.Single(settings.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void Go_1_25_follows_the_quota_itself_and_an_unknown_go_is_given_gomaxprocs()
    {
        var quotaAware = GoRuntimeEnvironment.Choose(Limits(quota: 50000), NothingSet, new Version(1, 25, 0));
        Assert.Empty(quotaAware.Variables);
        Assert.Contains("restic's Go 1.25 follows the container's CPU quota of 0.5 CPU itself", Assert.Single(quotaAware.Notes), StringComparison.Ordinal);

        var unknown = GoRuntimeEnvironment.Choose(Limits(quota: 50000), NothingSet, goVersion: null);
        Assert.Equal("1", unknown.Variables["GOMAXPROCS"]);
    }

    [Fact]
    public void A_pods_own_gomaxprocs_is_kept()
    {
        var settings = GoRuntimeEnvironment.Choose(Limits(quota: 50000), new Dictionary<string, string> { ["GOMAXPROCS"] = "8" }, Go124);

        Assert.Empty(settings.Variables);
        Assert.StartsWith("restic keeps GOMAXPROCS=8 from the pod's environment", Assert.Single(settings.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void No_limits_change_nothing()
    {
        var settings = GoRuntimeEnvironment.Choose(ContainerLimits.None, NothingSet, Go124);

        Assert.Empty(settings.Variables);
        Assert.Empty(settings.Notes);
    }
}
