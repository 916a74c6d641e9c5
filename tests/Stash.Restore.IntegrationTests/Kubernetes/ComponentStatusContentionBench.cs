using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.IntegrationTests.Support;
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
/// It checks every entry is exact and the operator's fields are untouched (200 components unless
/// <c>STASH_BENCH_UNITS</c> says otherwise); <c>bench/status-contention.sh</c> runs it with 1,000 (<c>STASH_BENCH_UNITS</c>)
/// beside the Stash host bench and prints the report. The round itself is <see cref="ContentionRound"/>'s.
/// </summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class ComponentStatusContentionBench(ITestOutputHelper output)
{
    internal sealed record UnitMeasurement(TimeSpan ReadLatency, TimeSpan RunningLatency, TimeSpan FinalLatency);

    internal sealed record BenchResult(string Scenario, int Units, int Correct, bool OperatorFieldsKept, ContentionRound.Timing<UnitMeasurement> Round);

    [BenchFact]
    public async Task Components_patching_one_session_at_once_leave_exactly_their_entries_with_and_without_faults()
    {
        var units = ContentionRound.Size("STASH_BENCH_UNITS", 200);
        var results = await ContentionRound.RunScenariosAsync(output, faultSeed: 7,
            (cluster, scenario, plan) => RunAsync(cluster, scenario, units, plan), Format,
            // Not measured: the server and the clients run JIT-compiled in this test process (a real API
            // server is warm, the shipped executor is Native AOT), so the first round would time the JIT.
            warmUp: cluster => RunAsync(cluster, "warm-up", Math.Min(units, 50), null));

        Assert.All(results, r => Assert.Equal(units, r.Correct));
        Assert.All(results, r => Assert.True(r.OperatorFieldsKept, $"{r.Scenario}: the operator's phase, totalComponents or conditions changed"));
        // Faults really happened, and were ridden out by the transport's retries.
        Assert.True(results[1].Round.Faults > 0, "no fault was injected");
        // Without faults: the session read plus two merge patches, nothing more. (At bench size on a
        // loaded machine an attempt may time out and be retried: the report shows it instead.)
        if (Environment.GetEnvironmentVariable("STASH_BENCH_UNITS") is null)
            Assert.All(results[0].Round.Units, u => Assert.Equal(3, u.Requests));
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

        var round = await ContentionRound.RunAsync<UnitMeasurement>(cluster, session, units, plan, (client, i) =>
        {
            var status = new KubeStashComponentStatus(new KubernetesComponentStatus(client.Api, KubeTestCluster.Namespace, session), Component(i));
            return async () =>
            {
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
                return new UnitMeasurement(read, running, watch.Elapsed);
            };
        });

        var stored = cluster.Server.Get(RestoreSession.ApiVersionV1Alpha1, RestoreSession.KindName, KubeTestCluster.Namespace, session)!["status"]!.AsObject();
        var components = stored["components"] as JsonObject ?? [];
        var correct = components.Count == units
            ? Enumerable.Range(0, units).Count(i => components[Component(i)] is JsonObject entry
                && entry.Count == 2 && (string?)entry["phase"] == "Succeeded" && (string?)entry["duration"] == Duration(i))
            : -components.Count;
        var operatorKept = operatorStatus.All(field => JsonNode.DeepEquals(field.Value, stored[field.Key]));
        return new BenchResult(scenario, units, correct, operatorKept, round);
    }

    private static string Component(int i) => "dump-pod-" + i.ToString(CultureInfo.InvariantCulture);

    // Distinct per component, in the Go form the status keeps.
    private static string Duration(int i) => GoDuration.Format(TimeSpan.FromMilliseconds(1000 + i));

    internal static string Format(BenchResult result)
    {
        var m = result.Round.Units.Select(u => u.Measured).ToList();
        var reads = m.Select(x => x.ReadLatency).Order().ToList();
        var requests = ContentionRound.Requests(result.Round);
        return string.Create(CultureInfo.InvariantCulture, $"""
            == KubeStash {result.Scenario}: {result.Units} components, session read then Running then Succeeded merge patches each
              all entries written after     {result.Round.AllWritten.TotalSeconds:0.00} s
              correct entries               {result.Correct} of {result.Units}; operator's fields {(result.OperatorFieldsKept ? "untouched" : "CHANGED")}
              faults injected               {result.Round.Faults}
              API requests per unit         mean {requests.Average():0.00}, median {ContentionRound.Percentile(requests, 0.5)}, max {requests[^1]} (session read included)
              session read latency          p50 {ContentionRound.Percentile(reads, 0.5).TotalMilliseconds:0} ms, p99 {ContentionRound.Percentile(reads, 0.99).TotalMilliseconds:0} ms
              status write latency          {ContentionRound.Latencies(m.SelectMany(x => new[] { x.RunningLatency, x.FinalLatency }))}
              load average at the end       {LoadAverage()}
            """);
    }

    // The machine is shared: the load says how much of the time was other work.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
