using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Xunit.Abstractions;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>
/// N hosts of one RestoreSession write Running then Succeeded at the same moment, each with
/// its own connection (as separate pods would), without and with injected faults.
/// <c>bench/status-contention.sh</c> runs it with 200 hosts and prints the report; in the
/// normal suite it runs small and checks the outcome is exact.
/// </summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class StatusContentionBench(ITestOutputHelper output)
{
    internal sealed record HostMeasurement(string Host, long Requests, int RunningAttempts, int FinalAttempts, TimeSpan RunningLatency, TimeSpan FinalLatency);

    internal sealed record BenchResult(string Scenario, int Hosts, TimeSpan AllWritten, int Entries, int Faults, IReadOnlyList<HostMeasurement> Measurements);

    [RequiresCrdsFact]
    public async Task Contention_bench_writes_every_entry_exactly_once_and_reports()
    {
        var hosts = int.TryParse(Environment.GetEnvironmentVariable("STASH_BENCH_HOSTS"), CultureInfo.InvariantCulture, out var n) ? n : 30;
        var cluster = new KubeTestCluster();
        await cluster.InitializeAsync();
        var report = new StringBuilder();
        try
        {

            foreach (var (scenario, plan) in new (string, FaultPlan?)[]
            {
                ("no faults", null),
                ("10% 409/500/503 + 2% drops + 5ms latency", new FaultPlan { Rate = 0.10, StatusCodes = [409, 500, 503], DropConnectionRate = 0.02, Latency = TimeSpan.FromMilliseconds(5), Seed = 11 }),
            })
            {
                var result = await RunAsync(cluster, scenario, hosts, plan);
                Assert.Equal(hosts, result.Entries);
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
    }

    internal static async Task<BenchResult> RunAsync(KubeTestCluster cluster, string scenario, int hosts, FaultPlan? plan)
    {
        var session = "bench-" + Guid.NewGuid().ToString("N")[..8];
        cluster.SeedRestoreSession(session, $$"""{"phase":"Running","totalHosts":{{hosts}}}""");
        var configuration = cluster.LoadConfiguration();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = KubeTestCluster.FastRetries;

        var hostTasks = Enumerable.Range(0, hosts).Select(i => Task.Run(async () =>
        {
            var api = cluster.CreateApi(configuration, options);
            var store = new KubernetesHostStatusStore(api, KubeTestCluster.Namespace, session, options, TimeProvider.System, Serilog.Core.Logger.None);
            await start.Task;
            var watch = Stopwatch.StartNew();
            await store.UpsertAsync(new() { Hostname = $"host-{i}", Phase = HostPhase.Running }, CancellationToken.None);
            var running = watch.Elapsed;
            var runningAttempts = store.LastWriteAttempts;
            watch.Restart();
            await store.UpsertAsync(new() { Hostname = $"host-{i}", Phase = HostPhase.Succeeded, Duration = $"{i}.25s" }, CancellationToken.None);
            return new HostMeasurement($"host-{i}", api.Connection.AttemptCount, runningAttempts, store.LastWriteAttempts, running, watch.Elapsed);
        })).ToList();

        // Connections are created before the clock starts; TLS handshakes are part of the measurement.
        await Task.Delay(100);
        if (plan is not null)
            cluster.Server.Faults.Set(plan with { PathContains = "/restoresessions/" + session });
        var total = Stopwatch.StartNew();
        start.SetResult();
        var measurements = await Task.WhenAll(hostTasks);
        var allWritten = total.Elapsed;
        var faults = plan is null ? 0 : cluster.Server.Faults.InjectedCount;
        cluster.Server.Faults.Clear();

        var stats = cluster.StoredSession(session)["status"]!["stats"]!.AsArray();
        var correct = stats.Count(s => s is JsonObject o
            && int.TryParse(o["hostname"]!.GetValue<string>().AsSpan("host-".Length), CultureInfo.InvariantCulture, out var i)
            && o.ToJsonString() == $$"""{"hostname":"host-{{i}}","phase":"Succeeded","duration":"{{i}}.25s"}""");
        var distinct = stats.Select(s => s!["hostname"]!.GetValue<string>()).Distinct().Count();
        return new BenchResult(scenario, hosts, allWritten, distinct == stats.Count ? correct : -1, faults, measurements);
    }

    internal static string Format(BenchResult result)
    {
        var m = result.Measurements;
        var latencies = m.SelectMany(x => new[] { x.RunningLatency, x.FinalLatency }).Order().ToList();
        var attemptsPerWrite = m.SelectMany(x => new[] { x.RunningAttempts, x.FinalAttempts }).Order().ToList();
        var attemptsPerHost = m.Select(x => x.RunningAttempts + x.FinalAttempts).Order().ToList();
        var requests = m.Select(x => x.Requests).Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"""
            == {result.Scenario}: {result.Hosts} hosts, Running then Succeeded each
              all entries written after     {result.AllWritten.TotalSeconds:0.00} s
              correct entries               {result.Entries} of {result.Hosts}
              faults injected               {result.Faults}
              API requests per host         mean {requests.Average():0.0}, median {Percentile(requests, 0.5)}, max {requests[^1]}
              status write latency          p50 {Percentile(latencies, 0.5).TotalMilliseconds:0} ms, p99 {Percentile(latencies, 0.99).TotalMilliseconds:0} ms, max {latencies[^1].TotalMilliseconds:0} ms
              write attempts per write      median {Percentile(attemptsPerWrite, 0.5)}, p99 {Percentile(attemptsPerWrite, 0.99)}, max {attemptsPerWrite[^1]}
              write attempts per host       median {Percentile(attemptsPerHost, 0.5)} (2 writes), max {attemptsPerHost[^1]}
            """);
    }

    private static T Percentile<T>(IReadOnlyList<T> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
