using System.Diagnostics;
using System.Globalization;
using System.Text;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.TestApiServer;
using Xunit.Abstractions;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>
/// The harness both status-contention benches share (<see cref="StatusContentionBench"/> for Stash hosts,
/// <see cref="ComponentStatusContentionBench"/> for KubeStash components): N units of one RestoreSession,
/// each with its own client and HTTPS connection (as separate executor pods would), released at the same
/// moment, once without and once with faults injected on that session's path. It times the round, counts
/// the injected faults and each unit's API requests, and hands the report to the test output and to
/// <c>STASH_BENCH_REPORT</c>, the file <c>bench/status-contention.sh</c> reads. What a unit does and what
/// counts as a correct outcome stay with each bench.
/// </summary>
internal static class ContentionRound
{
    /// <summary>One unit's round: the API requests its client sent (retries included) and the bench's own figures.</summary>
    internal sealed record Unit<T>(long Requests, T Measured);

    /// <summary>A round: from the release of every unit until the last one finished, the faults injected meanwhile, and each unit.</summary>
    internal sealed record Timing<T>(TimeSpan AllWritten, int Faults, IReadOnlyList<Unit<T>> Units);

    /// <summary>The units a bench runs: <paramref name="variable"/> when set (the bench script's size), else the suite's small size.</summary>
    internal static int Size(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var n) ? n : fallback;

    /// <summary>
    /// Runs the two scenarios (no faults; 10% 409/500/503, 2% dropped connections and 5 ms latency, drawn
    /// from <paramref name="faultSeed"/>) on a fresh test API server, after <paramref name="warmUp"/> when
    /// given, and reports each result as <paramref name="format"/> writes it. The caller asserts on the
    /// results afterwards, so a wrong outcome still leaves its report behind.
    /// </summary>
    internal static async Task<IReadOnlyList<TResult>> RunScenariosAsync<TResult>(
        ITestOutputHelper output,
        int faultSeed,
        Func<KubeTestCluster, string, FaultPlan?, Task<TResult>> round,
        Func<TResult, string> format,
        Func<KubeTestCluster, Task>? warmUp = null)
    {
        var cluster = new KubeTestCluster();
        await cluster.InitializeAsync();
        var report = new StringBuilder();
        var results = new List<TResult>();
        try
        {
            if (warmUp is not null)
                await warmUp(cluster);
            foreach (var (scenario, plan) in new (string, FaultPlan?)[]
            {
                ("no faults", null),
                ("10% 409/500/503 + 2% drops + 5ms latency", new FaultPlan { Rate = 0.10, StatusCodes = [409, 500, 503], DropConnectionRate = 0.02, Latency = TimeSpan.FromMilliseconds(5), Seed = faultSeed }),
            })
            {
                var result = await round(cluster, scenario, plan);
                results.Add(result);
                report.AppendLine(format(result));
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        output.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("STASH_BENCH_REPORT") is { Length: > 0 } path)
            await File.WriteAllTextAsync(path, report.ToString());
        return results;
    }

    /// <summary>
    /// One round on <paramref name="session"/>, already seeded: <paramref name="prepare"/> gets unit i's own
    /// client before the clock starts and returns what the unit does once released.
    /// </summary>
    internal static async Task<Timing<T>> RunAsync<T>(KubeTestCluster cluster, string session, int units, FaultPlan? plan, Func<KubernetesClient, int, Func<Task<T>>> prepare)
    {
        var configuration = cluster.LoadConfiguration();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unitTasks = Enumerable.Range(0, units).Select(i => Task.Run(async () =>
        {
            var client = cluster.CreateClient(configuration, KubeTestCluster.FastRetries);
            var work = prepare(client, i);
            await start.Task;
            var measured = await work();
            return new Unit<T>(client.AttemptCount, measured);
        })).ToList();

        // Clients are created before the clock starts; TLS handshakes are part of the measurement.
        await Task.Delay(100);
        if (plan is not null)
            cluster.Server.Faults.Set(plan with { PathContains = "/restoresessions/" + session });
        var total = Stopwatch.StartNew();
        start.SetResult();
        var measurements = await Task.WhenAll(unitTasks);
        var allWritten = total.Elapsed;
        var faults = plan is null ? 0 : cluster.Server.Faults.InjectedCount;
        cluster.Server.Faults.Clear();
        return new Timing<T>(allWritten, faults, measurements);
    }

    /// <summary>Each unit's API requests, smallest first.</summary>
    internal static List<long> Requests<T>(Timing<T> round) => round.Units.Select(u => u.Requests).Order().ToList();

    /// <summary>"p50 …, p99 …, max … ms" over <paramref name="latencies"/>, as both reports print status writes.</summary>
    internal static string Latencies(IEnumerable<TimeSpan> latencies)
    {
        var sorted = latencies.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {Percentile(sorted, 0.5).TotalMilliseconds:0} ms, p99 {Percentile(sorted, 0.99).TotalMilliseconds:0} ms, max {sorted[^1].TotalMilliseconds:0} ms");
    }

    /// <summary>The nearest-rank percentile of an ascending list.</summary>
    internal static T Percentile<T>(IReadOnlyList<T> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
