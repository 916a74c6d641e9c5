using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

using global::Stash.Restore.TestApiServer;

/// <summary>
/// The component merge-patch bodies against the test API server loaded with KubeStash's real
/// CRDs: every field survives the schema's pruning; the operator's fields and other components'
/// entries are untouched; the offline status file ends exactly where the server does.
/// </summary>
public sealed class KubeStashStatusSchemaTests : IAsyncLifetime
{
    private const string Path = "/apis/core.kubestash.com/v1alpha1/namespaces/demo/restoresessions/sample-restore/status";
    private TestApiServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _api = new ApiClient(_server, _server.AdminToken);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    private const string OperatorStatus = """
        {"phase":"Running","totalComponents":3,"duration":"","targetFound":true,
         "restoreDeadline":"2026-12-01T20:00:00Z",
         "conditions":[{"type":"RestoreExecutorEnsured","status":"True","reason":"SuccessfullyEnsuredRestoreExecutor","lastTransitionTime":"2026-12-01T19:00:00Z"}],
         "components":{"dump-pod-1":{"phase":"Succeeded","duration":"3s"},"dump-pod-0":{"phase":"Failed","error":"old","duration":"1s"}}}
        """;

    private JsonObject Seed() => _server.Put("""
        {"apiVersion":"core.kubestash.com/v1alpha1","kind":"RestoreSession",
         "metadata":{"name":"sample-restore","namespace":"demo"},
         "spec":{"addon":{"name":"workload-addon","tasks":[{"name":"logical-backup-restore"}]},
                 "dataSource":{"repository":"sts-repo","snapshot":"latest","encryptionSecret":{"name":"encrypt-secret"}}},
         "status":
        """ + OperatorStatus + "}");

    [RequiresCrdsFact]
    public async Task Running_progress_and_Succeeded_survive_pruning_and_leave_the_rest_alone()
    {
        var seeded = Seed();
        var offline = new ComponentStatusFile(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ks-status-{Guid.NewGuid():N}.json"), seeded["status"]!.AsObject());
        var progress = new RestoreProgress { SecondsElapsed = 10, PercentDone = "0.02%", TotalFiles = 2, FilesDone = 1, RestoreDone = "1.3MB", Total = "5.268GB", Speed = "130kB/s" };
        var bodies = new[]
        {
            ComponentStatusPatch.Running("dump-pod-0"),
            ComponentStatusPatch.Progress("dump-pod-0", progress),
            ComponentStatusPatch.Succeeded("dump-pod-0", TimeSpan.FromSeconds(12.5)),
        };
        var entries = new List<string>();
        try
        {
            foreach (var body in bodies)
            {
                var response = await _api.PatchAsync(Path, body.ToJsonString(), ComponentStatusPatch.ContentType);
                Assert.True(response.Code == 200, $"{response.Code}: {response.Body}");
                Assert.Empty(response.Warnings);
                entries.Add(response.Json["status"]!["components"]!["dump-pod-0"]!.ToJsonString());
                await offline.ApplyAsync(body, CancellationToken.None);
            }

            var final = (await _api.GetAsync(Path.Replace("/status", "", StringComparison.Ordinal))).Json["status"]!.AsObject();
            Assert.Equal(
                [
                    """{"phase":"Running"}""",
                    """{"phase":"Running","progress":{"filesDone":1,"percentDone":"0.02%","restoreDone":"1.3MB","secondsElapsed":10,"speed":"130kB/s","total":"5.268GB","totalFiles":2}}""",
                    """{"duration":"12.5s","phase":"Succeeded","progress":{"filesDone":1,"percentDone":"0.02%","restoreDone":"1.3MB","secondsElapsed":10,"speed":"130kB/s","total":"5.268GB","totalFiles":2}}""",
                ],
                entries.Select(Sorted));
            var before = JsonNode.Parse(OperatorStatus)!.AsObject();
            foreach (var field in new[] { "phase", "totalComponents", "targetFound", "restoreDeadline", "conditions" })
                Assert.Equal(Sorted(before[field]!.ToJsonString()), Sorted(final[field]!.ToJsonString()));
            Assert.Equal("""{"duration":"3s","phase":"Succeeded"}""", Sorted(final["components"]!["dump-pod-1"]!.ToJsonString()));
            // The offline file holds what the server holds.
            Assert.Equal(Sorted(final.ToJsonString()), Sorted(offline.Read().ToJsonString()));
        }
        finally
        {
            File.Delete(offline.Path);
        }
    }

    [RequiresCrdsFact]
    public async Task Components_patching_at_once_each_get_exactly_their_entry()
    {
        Seed();
        var components = Enumerable.Range(0, 40).Select(i => $"dump-pod-{i + 2}").ToList();

        var codes = await Task.WhenAll(components.Select(async c =>
        {
            var running = await _api.PatchAsync(Path, ComponentStatusPatch.Running(c).ToJsonString(), ComponentStatusPatch.ContentType);
            var failed = await _api.PatchAsync(Path, ComponentStatusPatch.Failed(c, TimeSpan.FromSeconds(2), $"{c}: restic exited 1").ToJsonString(), ComponentStatusPatch.ContentType);
            return (running.Code, failed.Code);
        }));

        Assert.All(codes, c => Assert.Equal((200, 200), c));
        var status = (await _api.GetAsync(Path.Replace("/status", "", StringComparison.Ordinal))).Json["status"]!["components"]!.AsObject();
        Assert.Equal(components.Count + 2, status.Count);
        foreach (var c in components)
            Assert.Equal($$"""{"duration":"2s","error":"{{c}}: restic exited 1","phase":"Failed"}""", Sorted(status[c]!.ToJsonString()));
    }

    /// <summary>JSON with object keys sorted, so documents compare regardless of key order.</summary>
    private static string Sorted(string json) => Sort(JsonNode.Parse(json))?.ToJsonString() ?? "null";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sort).ToArray()),
        _ => node?.DeepClone(),
    };
}
