using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Stash.Restore.IntegrationTests.Kubernetes;
using Stash.Restore.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

/// <summary>
/// The test API server under the load KubeStash puts on it: N components of one RestoreSession,
/// each from its own HTTPS connection (as separate pods would), merge-patch their own
/// <c>status.components[c]</c> entry — Running, then Succeeded — at the same moment. No executor
/// code is involved, so the time measures the server alone (and the test's own HTTPS clients).
/// <c>STASH_BENCH_UNITS=1000</c> runs it at full size (report in the test output, and appended to
/// <c>STASH_BENCH_REPORT</c> when set); by default 100 writers. Out of the default run (<c>STASH_BENCH=1</c>). It checks that
/// every entry is exact and the operator's fields are untouched.
/// </summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class MergePatchWritersBench(ITestOutputHelper output)
{
    private const string Session = "/apis/core.kubestash.com/v1alpha1/namespaces/demo/restoresessions/sample-restore";

    [BenchFact]
    public async Task Concurrent_merge_patch_writers_each_leave_exactly_their_entry()
    {
        var writers = int.TryParse(Environment.GetEnvironmentVariable("STASH_BENCH_UNITS"), CultureInfo.InvariantCulture, out var n) ? n : 100;
        await using var server = await TestApiServer.StartAsync();
        server.Put($$$"""
            apiVersion: core.kubestash.com/v1alpha1
            kind: RestoreSession
            metadata: {name: sample-restore, namespace: demo}
            spec:
              dataSource: {repository: gcs-repo, snapshot: latest, encryptionSecret: {name: encrypt-secret}}
              addon: {name: workload-addon, tasks: [{name: logical-backup-restore}]}
            status: {phase: Running, totalComponents: {{{writers}}}, conditions: [{type: RestoreExecutorEnsured, status: "True", lastTransitionTime: "2026-01-01T00:00:00Z"}]}
            """);

        var clients = Enumerable.Range(0, writers).Select(_ => NewClient(server)).ToList();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tasks = clients.Select((client, i) => Task.Run(async () =>
            {
                await start.Task;
                var watch = Stopwatch.StartNew();
                var running = await PatchAsync(client, ComponentPatch(i, """{"phase":"Running"}"""));
                var runningLatency = watch.Elapsed;
                watch.Restart();
                var done = await PatchAsync(client, ComponentPatch(i, $$"""{"phase":"Succeeded","duration":"{{i}}.5s"}"""));
                return (Codes: (running, done), Latencies: new[] { runningLatency, watch.Elapsed });
            })).ToList();

            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var total = Stopwatch.StartNew();
            start.SetResult();
            var results = await Task.WhenAll(tasks);
            var elapsed = total.Elapsed;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

            var status = server.Get("core.kubestash.com/v1alpha1", "RestoreSession", "demo", "sample-restore")!["status"]!.AsObject();
            var components = status["components"] as JsonObject ?? [];
            var correct = Enumerable.Range(0, writers).Count(i =>
                components[$"dump-pod-{i}"]?.ToJsonString() == $$"""{"phase":"Succeeded","duration":"{{i}}.5s"}""");
            var failed = results.Sum(r => (r.Codes.running == 200 ? 0 : 1) + (r.Codes.done == 200 ? 0 : 1));
            var latencies = results.SelectMany(r => r.Latencies).Order().ToList();
            var report = string.Create(CultureInfo.InvariantCulture, $"""
                == test API server: {writers} merge-patch writers to one RestoreSession's /status (own HTTPS connection each; Running, then Succeeded)
                  all entries written after     {elapsed.TotalSeconds:0.00} s
                  requests                      {2 * writers} ({2 * writers / elapsed.TotalSeconds:0} per second), failed {failed}
                  write latency                 p50 {Percentile(latencies, 0.5).TotalMilliseconds:0} ms, p99 {Percentile(latencies, 0.99).TotalMilliseconds:0} ms, max {latencies[^1].TotalMilliseconds:0} ms
                  CPU used (server and clients) {cpu.TotalSeconds:0.00} s
                  correct entries               {correct} of {writers}
                  load average at the end       {LoadAverage()}
                """);
            output.WriteLine(report);
            if (Environment.GetEnvironmentVariable("STASH_BENCH_REPORT") is { Length: > 0 } path)
                await File.AppendAllTextAsync(path, report + "\n");

            Assert.Equal(0, failed);
            Assert.Equal(writers, components.Count);
            Assert.Equal(writers, correct);
            Assert.Equal("Running", (string?)status["phase"]);
            Assert.Equal(writers, (long)status["totalComponents"]!);
            Assert.Equal("RestoreExecutorEnsured", (string?)status["conditions"]![0]!["type"]);
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    private static HttpClient NewClient(TestApiServer server)
    {
        var client = new HttpClient(ApiClient.CreateHandler(server)) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);
        return client;
    }

    private static string ComponentPatch(int i, string entry) =>
        "{\"status\":{\"components\":{\"dump-pod-" + i.ToString(CultureInfo.InvariantCulture) + "\":" + entry + "}}}";

    /// <summary>The HTTP status code, or 0 when the server dropped the connection.</summary>
    private static async Task<int> PatchAsync(HttpClient client, string body)
    {
        try
        {
            return await SendPatchAsync(client, body);
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static async Task<int> SendPatchAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse("application/merge-patch+json"));
        using var response = await client.PatchAsync(Session + "/status", content);
        // The client reads the whole answer (the full object), as a real one does.
        _ = await response.Content.ReadAsByteArrayAsync();
        return (int)response.StatusCode;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static T Percentile<T>(IReadOnlyList<T> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
