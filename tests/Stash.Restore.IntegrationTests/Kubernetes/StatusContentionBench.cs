using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Stash.Restore.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>
/// N hosts of one RestoreSession write Running then Succeeded at the same moment, each with
/// its own connection (as separate pods would), without and with injected faults (the round is
/// <see cref="ContentionRound"/>'s). <c>bench/status-contention.sh</c> runs it with 200 hosts and
/// prints the report; it checks its outcome is exact. Out of the default run (<see cref="BenchFactAttribute"/>).
/// </summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class StatusContentionBench(ITestOutputHelper output)
{
    internal sealed record HostMeasurement(int RunningAttempts, int FinalAttempts, TimeSpan RunningLatency, TimeSpan FinalLatency);

    internal sealed record BenchResult(string Scenario, int Hosts, int Entries, ContentionRound.Timing<HostMeasurement> Round);

    [BenchFact]
    public async Task Contention_bench_writes_every_entry_exactly_once_and_reports()
    {
        var hosts = ContentionRound.Size("STASH_BENCH_HOSTS", 30);
        var results = await ContentionRound.RunScenariosAsync(output, faultSeed: 11,
            (cluster, scenario, plan) => RunAsync(cluster, scenario, hosts, plan), Format);

        Assert.All(results, r => Assert.Equal(hosts, r.Entries));
    }

    internal static async Task<BenchResult> RunAsync(KubeTestCluster cluster, string scenario, int hosts, FaultPlan? plan)
    {
        var session = "bench-" + Guid.NewGuid().ToString("N")[..8];
        cluster.SeedRestoreSession(session, $$"""{"phase":"Running","totalHosts":{{hosts}}}""");

        var round = await ContentionRound.RunAsync<HostMeasurement>(cluster, session, hosts, plan, (client, i) =>
        {
            var store = new KubernetesHostStatus(client.Transport, KubeTestCluster.Namespace, session, KubeTestCluster.FastRetries, TimeProvider.System, Serilog.Core.Logger.None);
            return async () =>
            {
                var watch = Stopwatch.StartNew();
                await store.UpsertAsync(new() { Hostname = $"host-{i}", Phase = HostPhase.Running }, CancellationToken.None);
                var running = watch.Elapsed;
                var runningAttempts = store.LastWriteAttempts;
                watch.Restart();
                await store.UpsertAsync(new() { Hostname = $"host-{i}", Phase = HostPhase.Succeeded, Duration = $"{i}.25s" }, CancellationToken.None);
                return new HostMeasurement(runningAttempts, store.LastWriteAttempts, running, watch.Elapsed);
            };
        });

        var stats = cluster.StoredSession(session)["status"]!["stats"]!.AsArray();
        var correct = stats.Count(s => s is JsonObject o
            && int.TryParse(o["hostname"]!.GetValue<string>().AsSpan("host-".Length), CultureInfo.InvariantCulture, out var i)
            && o.ToJsonString() == $$"""{"hostname":"host-{{i}}","phase":"Succeeded","duration":"{{i}}.25s"}""");
        var distinct = stats.Select(s => s!["hostname"]!.GetValue<string>()).Distinct().Count();
        return new BenchResult(scenario, hosts, distinct == stats.Count ? correct : -1, round);
    }

    internal static string Format(BenchResult result)
    {
        var m = result.Round.Units.Select(u => u.Measured).ToList();
        var attemptsPerWrite = m.SelectMany(x => new[] { x.RunningAttempts, x.FinalAttempts }).Order().ToList();
        var attemptsPerHost = m.Select(x => x.RunningAttempts + x.FinalAttempts).Order().ToList();
        var requests = ContentionRound.Requests(result.Round);
        return string.Create(CultureInfo.InvariantCulture, $"""
            == {result.Scenario}: {result.Hosts} hosts, Running then Succeeded each
              all entries written after     {result.Round.AllWritten.TotalSeconds:0.00} s
              correct entries               {result.Entries} of {result.Hosts}
              faults injected               {result.Round.Faults}
              API requests per host         mean {requests.Average():0.0}, median {ContentionRound.Percentile(requests, 0.5)}, max {requests[^1]}
              status write latency          {ContentionRound.Latencies(m.SelectMany(x => new[] { x.RunningLatency, x.FinalLatency }))}
              write attempts per write      median {ContentionRound.Percentile(attemptsPerWrite, 0.5)}, p99 {ContentionRound.Percentile(attemptsPerWrite, 0.99)}, max {attemptsPerWrite[^1]}
              write attempts per host       median {ContentionRound.Percentile(attemptsPerHost, 0.5)} (2 writes), max {attemptsPerHost[^1]}
            """);
    }
}
