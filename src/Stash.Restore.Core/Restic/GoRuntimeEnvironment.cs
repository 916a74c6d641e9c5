using System.Globalization;
using Stash.Restore.Core.Processes.Cgroups;

namespace Stash.Restore.Core.Restic;

/// <summary>
/// The Go runtime variables restic is given so it lives within the container's limits (SPEC §15):
/// restic is Go, and its garbage collector lets the heap grow to twice what is live before it
/// collects, whatever the cgroup allows, so a restore the container could hold is OOM-killed on the
/// way; and Go before 1.25 runs as many threads as the node has CPUs, whatever the CPU quota.
/// Pure: the limits, the pod's own variables and restic's Go release come in, the variables and
/// the sentences that explain them go out.
/// </summary>
internal static class GoRuntimeEnvironment
{
    public const string MemoryLimitVariable = "GOMEMLIMIT";
    public const string GcPercentVariable = "GOGC";
    public const string MaxProcsVariable = "GOMAXPROCS";

    /// <summary>The variables a pod may set itself; when it does, they are left as they are.</summary>
    public static readonly IReadOnlyList<string> Variables = [MemoryLimitVariable, GcPercentVariable, MaxProcsVariable];

    /// <summary>Go 1.25 sets GOMAXPROCS from the cgroup's CPU quota on its own.</summary>
    public static readonly Version QuotaAwareGo = new(1, 25);

    private const long MiB = 1024 * 1024;

    /// <summary>
    /// The executor's own memory while restic runs, set aside from the limit: 24 MiB peak RSS offline
    /// during a 200,000-file restore (bench/memory-limit.sh), about 30 MiB in a cluster (bench/startup.sh).
    /// </summary>
    internal const long ExecutorShare = 32 * MiB;

    /// <summary>
    /// Room the Go runtime does not count: restic's code pages, kernel memory charged to the cgroup
    /// (page tables, the inodes and dentries of the files restored) and page cache not yet written
    /// back, which grows with the limit.
    /// </summary>
    internal const long FixedHeadroom = 8 * MiB;

    internal const int HeadroomPercent = 5;

    /// <summary>None of <see cref="Variables"/> set by the pod (one instance, so settings that hold it compare equal).</summary>
    public static readonly IReadOnlyDictionary<string, string> NoneInherited = new Dictionary<string, string>().AsReadOnly();

    /// <summary>
    /// The variables the pod's environment sets to a value (<paramref name="environment"/> is the
    /// executor's, which restic inherits), so they are left alone.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Inherited(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var set = Variables
            .Where(name => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
            .ToDictionary(name => name, name => environment[name], StringComparer.Ordinal);
        return set.Count == 0 ? NoneInherited : set;
    }

    /// <summary>
    /// GOMEMLIMIT for a container limited to <paramref name="containerLimit"/> bytes: the limit less
    /// <see cref="ExecutorShare"/>, <see cref="FixedHeadroom"/> and <see cref="HeadroomPercent"/> % of
    /// the limit (256 MiB → 203 MiB, 1 GiB → 932 MiB), never below a quarter of the limit. Too low only
    /// costs restic garbage-collection time; too high lets the kernel kill it.
    /// </summary>
    public static long MemoryLimitFor(long containerLimit) => Math.Max(Unfloored(containerLimit), containerLimit / 4);

    private static long Unfloored(long containerLimit) =>
        containerLimit - ExecutorShare - FixedHeadroom - (containerLimit / 100 * HeadroomPercent);

    /// <summary>GOMEMLIMIT's own notation, whole MiB rounded down ("203MiB").</summary>
    public static string FormatMemoryLimit(long bytes) =>
        (bytes / MiB).ToString(CultureInfo.InvariantCulture) + "MiB";

    /// <summary>What restic is given, and why, for these limits, the pod's variables and restic's Go.</summary>
    public static GoRuntimeSettings Choose(ContainerLimits limits, IReadOnlyDictionary<string, string> inherited, Version? goVersion)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(inherited);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var notes = new List<string>();

        if (limits.Memory is { } memory)
        {
            var set = inherited.Where(v => v.Key is MemoryLimitVariable or GcPercentVariable).ToList();
            if (set.Count > 0)
            {
                notes.Add($"restic keeps {string.Join(" and ", set.Select(v => $"{v.Key}={v.Value}"))} from the pod's environment "
                    + $"(the container's memory limit is {memory.Describe()}, {memory.Source}); GOMEMLIMIT and GOGC are left as they are");
            }
            else
            {
                var chosen = MemoryLimitFor(memory.Bytes);
                var value = FormatMemoryLimit(chosen);
                variables[MemoryLimitVariable] = value;
                var limit = $"the container's memory limit of {memory.Describe()} ({memory.Source})";
                notes.Add(Unfloored(memory.Bytes) >= chosen
                    ? $"restic gets {MemoryLimitVariable}={value}: {limit} less {MemoryLimit.Describe(ExecutorShare)} for the executor and "
                        + $"{MemoryLimit.Describe(memory.Bytes - ExecutorShare - chosen)} headroom, so its garbage collector keeps it under the limit"
                    : $"restic gets {MemoryLimitVariable}={value}, a quarter of {limit}: the limit leaves less than {MemoryLimit.Describe(ExecutorShare)} "
                        + "for the executor and headroom, so restic will spend time collecting garbage and may still be killed");
            }
        }

        if (limits.Cpu is { } cpu)
        {
            var cpus = cpu.Cpus.ToString("0.###", CultureInfo.InvariantCulture);
            if (inherited.TryGetValue(MaxProcsVariable, out var own))
                notes.Add($"restic keeps {MaxProcsVariable}={own} from the pod's environment (the container's CPU quota is {cpus} CPU, {cpu.Source})");
            else if (goVersion is not null && goVersion >= QuotaAwareGo)
                notes.Add($"restic's Go {goVersion.ToString(2)} follows the container's CPU quota of {cpus} CPU itself; {MaxProcsVariable} is not set");
            else
            {
                var value = cpu.WholeCpus.ToString(CultureInfo.InvariantCulture);
                variables[MaxProcsVariable] = value;
                var built = goVersion is null ? "restic's Go release is unknown and may predate 1.25" : $"restic's Go {goVersion.ToString(2)} ignores it";
                notes.Add($"restic gets {MaxProcsVariable}={value}: the container's CPU quota is {cpus} CPU ({cpu.Source}) and {built}");
            }
        }
        return new GoRuntimeSettings(variables, notes);
    }
}

/// <summary>The Go runtime variables restic is given (not secrets: the dry run shows their values) and the log's explanation.</summary>
internal sealed record GoRuntimeSettings(IReadOnlyDictionary<string, string> Variables, IReadOnlyList<string> Notes)
{
    public static readonly GoRuntimeSettings None = new(new Dictionary<string, string>(), []);
}
