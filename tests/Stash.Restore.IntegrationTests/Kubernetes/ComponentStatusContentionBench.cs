using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Status;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Stash.Restore.TestApiServer;
using Xunit.Abstractions;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>
/// N components of one KubeStash RestoreSession, each with its own client and HTTPS connection (as
/// separate executor pods would), do what the engine does with status at the same moment: read the
/// session (skip if Succeeded), merge-patch <c>status.components[c]</c> Running, then Succeeded —
/// through the executor's <see cref="KubeStashComponentStatus"/> / <see cref="KubernetesComponentStatus"/>
/// and the real transport — without and with injected 409/500/503 answers and dropped connections.
/// In the normal suite it runs with 200 components and checks every entry is exact and the operator's
/// fields are untouched; <c>bench/status-contention.sh</c> runs it with 1,000 (<c>STASH_BENCH_UNITS</c>)
/// beside the Stash host bench and prints the report.
/// </summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class ComponentStatusContentionBench(ITestOutputHelper output)
{
    internal sealed record UnitMeasurement(long Requests, TimeSpan ReadLatency, TimeSpan RunningLatency, TimeSpan FinalLatency);

    internal sealed record BenchResult(string Scenario, int Units, TimeSpan AllWritten, int Correct, bool OperatorFieldsKept, int Faults, IReadOnlyList<UnitMeasurement> Measurements);

    [RequiresCrdsFact]
    public async Task Components_patching_one_session_at_once_leave_exactly_their_entries_with_and_without_faults()
    {
        var units = int.TryParse(Environment.GetEnvironmentVariable("STASH_BENCH_UNITS"), CultureInfo.InvariantCulture, out var n) ? n : 200;
        var cluster = new KubeTestCluster();
        await cluster.InitializeAsync();
        var report = new StringBuilder();
        var results = new List<BenchResult>();
        try
        {
            // Not measured: the server and the clients run JIT-compiled in this test process (a real API
            // server is warm, the shipped executor is Native AOT), so the first round would time the JIT.
            await RunAsync(cluster, "warm-up", Math.Min(units, 50), null);
            foreach (var (scenario, plan) in new (string, FaultPlan?)[]
            {
                ("no faults", null),
                ("10% 409/500/503 + 2% drops + 5ms latency", new FaultPlan { Rate = 0.10, StatusCodes = [409, 500, 503], DropConnectionRate = 0.02, Latency = TimeSpan.FromMilliseconds(5), Seed = 7 }),
            })
            {
                var result = await RunAsync(cluster, scenario, units, plan);
                results.Add(result);
                report.AppendLine(Format(result));
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        output.WriteLine(report.ToString());
        if (Environment.GetEnvironmentVariable("STASH_BENCH_REPORT") is { Length: > 0 } path)
            await File.WriteAllTextAsync(path, report.ToString());

        Assert.All(results, r => Assert.Equal(units, r.Correct));
        Assert.All(results, r => Assert.True(r.OperatorFieldsKept, $"{r.Scenario}: the operator's phase, totalComponents or conditions changed"));
        // Faults really happened, and were ridden out by the transport's retries.
        Assert.True(results[1].Faults > 0, "no fault was injected");
        // Without faults: the session read plus two merge patches, nothing more. (At bench size on a
        // loaded machine an attempt may time out and be retried: the report shows it instead.)
        if (Environment.GetEnvironmentVariable("STASH_BENCH_UNITS") is null)
            Assert.All(results[0].Measurements, m => Assert.Equal(3, m.Requests));
    }

    internal static async Task<BenchResult> RunAsync(KubeTestCluster cluster, string scenario, int units, FaultPlan? plan)
    {
        var session = "ks-bench-" + Guid.NewGuid().ToString("N")[..8];
        var seeded = cluster.Server.Put("""
            {"apiVersion":"core.kubestash.com/v1alpha1","kind":"RestoreSession","metadata":{"name":"SESSION","namespace":"demo"},
             "spec":{"target":{"apiGroup":"apps","kind":"StatefulSet","name":"db","namespace":"demo"},
                     "addon":{"name":"workload-addon","tasks":[{"name":"logical-backup-restore"}]},
                     "dataSource":{"repository":"gcs-repo","snapshot":"latest","encryptionSecret":{"name":"encrypt-secret"}}}}
            """.Replace("SESSION", session, StringComparison.Ordinal));
        var operatorStatus = JsonNode.Parse($$"""
            {"phase":"Running","totalComponents":{{units}},"restoreDeadline":"2099-01-01T00:00:00Z",
             "conditions":[{"type":"RestoreExecutorEnsured","status":"True","reason":"Ensured","lastTransitionTime":"2026-11-03T10:00:00Z"}]}
            """)!.AsObject();
        seeded["status"] = operatorStatus.DeepClone();
        cluster.Server.Put(seeded);

        var configuration = cluster.LoadConfiguration();
        var options = KubeTestCluster.FastRetries;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unitTasks = Enumerable.Range(0, units).Select(i => Task.Run(async () =>
        {
            var client = cluster.CreateClient(configuration, options);
            var status = new KubeStashComponentStatus(new KubernetesComponentStatus(client.Api, KubeTestCluster.Namespace, session), Component(i));
            await start.Task;
            var watch = Stopwatch.StartNew();
            var previous = await status.GetPhaseAsync(CancellationToken.None);
            var read = watch.Elapsed;
            if (previous is not null)
                throw new InvalidOperationException($"{Component(i)} already had phase {previous}");
            watch.Restart();
            await status.WriteAsync(new UnitStatusEntry(UnitPhase.Running), CancellationToken.None);
            var running = watch.Elapsed;
            watch.Restart();
            await status.WriteAsync(new UnitStatusEntry(UnitPhase.Succeeded, Duration(i)), CancellationToken.None);
            return new UnitMeasurement(client.AttemptCount, read, running, watch.Elapsed);
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

        var stored = cluster.Server.Get(RestoreSession.ApiVersionV1Alpha1, RestoreSession.KindName, KubeTestCluster.Namespace, session)!["status"]!.AsObject();
        var components = stored["components"] as JsonObject ?? [];
        var correct = components.Count == units
            ? Enumerable.Range(0, units).Count(i => components[Component(i)] is JsonObject entry
                && entry.Count == 2 && (string?)entry["phase"] == "Succeeded" && (string?)entry["duration"] == Duration(i))
            : -components.Count;
        var operatorKept = operatorStatus.All(field => JsonNode.DeepEquals(field.Value, stored[field.Key]));
        return new BenchResult(scenario, units, allWritten, correct, operatorKept, faults, measurements);
    }

    private static string Component(int i) => "dump-pod-" + i.ToString(CultureInfo.InvariantCulture);

    // Distinct per component, in the Go form the status keeps.
    private static string Duration(int i) => GoDuration.Format(TimeSpan.FromMilliseconds(1000 + i));

    internal static string Format(BenchResult result)
    {
        var m = result.Measurements;
        var latencies = m.SelectMany(x => new[] { x.RunningLatency, x.FinalLatency }).Order().ToList();
        var reads = m.Select(x => x.ReadLatency).Order().ToList();
        var requests = m.Select(x => x.Requests).Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"""
            == KubeStash {result.Scenario}: {result.Units} components, session read then Running then Succeeded merge patches each
              all entries written after     {result.AllWritten.TotalSeconds:0.00} s
              correct entries               {result.Correct} of {result.Units}; operator's fields {(result.OperatorFieldsKept ? "untouched" : "CHANGED")}
              faults injected               {result.Faults}
              API requests per unit         mean {requests.Average():0.00}, median {Percentile(requests, 0.5)}, max {requests[^1]} (session read included)
              session read latency          p50 {Percentile(reads, 0.5).TotalMilliseconds:0} ms, p99 {Percentile(reads, 0.99).TotalMilliseconds:0} ms
              status write latency          p50 {Percentile(latencies, 0.5).TotalMilliseconds:0} ms, p99 {Percentile(latencies, 0.99).TotalMilliseconds:0} ms, max {latencies[^1].TotalMilliseconds:0} ms
              load average at the end       {LoadAverage()}
            """);
    }

    // The machine is shared: the load says how much of the time was other work.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static T Percentile<T>(IReadOnlyList<T> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
