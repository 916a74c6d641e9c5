using System.Text.Json.Nodes;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

public sealed class StatusAndPatchTests : IAsyncLifetime
{
    private const string X = Objects.RestoreSessions + "/x";
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

    private JsonObject Seed(string? status = null) => _server.Put(Objects.RestoreSession(status: status));

    [RequiresCrdsFact]
    public async Task Create_through_the_API_drops_status_but_seeding_keeps_it()
    {
        var seeded = Seed("""{"stats":[{"hostname":"host-0","phase":"Running"}]}""");
        _server.Put("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}""");
        var created = await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession("y", status: """{"phase":"Succeeded"}"""));

        Assert.Equal("host-0", (string?)seeded["status"]!["stats"]![0]!["hostname"]);
        Assert.Equal(201, created.Code);
        Assert.Null(created.Json["status"]);
    }

    [RequiresCrdsFact]
    public async Task Put_on_status_changes_only_status()
    {
        var seeded = Seed();
        var body = Objects.RestoreSession(resourceVersion: (string)seeded["metadata"]!["resourceVersion"]!, repository: "changed",
            status: """{"stats":[{"hostname":"host-0","phase":"Succeeded","duration":"1.5s"}]}""");

        var response = await _api.PutAsync(X + "/status", body);

        Assert.Equal(200, response.Code);
        Assert.Equal("repo", (string?)response.Json["spec"]!["repository"]!["name"]);
        Assert.Equal("Succeeded", (string?)response.Json["status"]!["stats"]![0]!["phase"]);
        Assert.Equal(1, (long)response.Json["metadata"]!["generation"]!);
    }

    [RequiresCrdsFact]
    public async Task Writes_to_the_main_resource_ignore_status_and_bump_generation()
    {
        Seed("""{"phase":"Running"}""");

        var response = await _api.PatchAsync(X, """{"spec":{"repository":{"name":"other"}},"status":{"phase":"Failed"}}""");

        Assert.Equal(200, response.Code);
        Assert.Equal("other", (string?)response.Json["spec"]!["repository"]!["name"]);
        Assert.Equal("Running", (string?)response.Json["status"]!["phase"]);
        Assert.Equal(2, (long)response.Json["metadata"]!["generation"]!);
    }

    [RequiresCrdsFact]
    public async Task Get_on_status_returns_the_whole_object()
    {
        Seed("""{"phase":"Running"}""");

        var response = await _api.GetAsync(X + "/status");

        Assert.Equal(200, response.Code);
        Assert.Equal("repo", (string?)response.Json["spec"]!["repository"]!["name"]);
        Assert.Equal("Running", (string?)response.Json["status"]!["phase"]);
    }

    [RequiresCrdsFact]
    public async Task Status_of_a_CRD_without_the_subresource_is_404()
    {
        _server.Put("""
            apiVersion: repositories.stash.appscode.com/v1alpha1
            kind: Snapshot
            metadata: {name: s, namespace: demo}
            status: {gid: 0, uid: 0, hostname: h, paths: [/a], repository: r, tree: t, username: u}
            """);

        var response = await _api.GetAsync("/apis/repositories.stash.appscode.com/v1alpha1/namespaces/demo/snapshots/s/status");

        Assert.Equal(404, response.Code);
        Assert.Equal("the server could not find the requested resource", response.Message);
    }

    [RequiresCrdsFact]
    public async Task Merge_patch_on_status_replaces_lists_and_null_deletes()
    {
        Seed("""{"phase":"Running","stats":[{"hostname":"host-0","phase":"Running"},{"hostname":"host-1","phase":"Failed"}]}""");

        var response = await _api.PatchAsync(X + "/status", """{"status":{"phase":null,"stats":[{"hostname":"host-1","phase":"Succeeded"}]}}""");

        Assert.Equal(200, response.Code);
        Assert.Null(response.Json["status"]!["phase"]);
        Assert.Equal("""[{"hostname":"host-1","phase":"Succeeded"}]""", response.Json["status"]!["stats"]!.ToJsonString());
    }

    [RequiresCrdsFact]
    public async Task Patch_carrying_resourceVersion_must_match()
    {
        var seeded = Seed();
        var current = (string)seeded["metadata"]!["resourceVersion"]!;

        var stale = await _api.PatchAsync(X + "/status", """{"metadata":{"resourceVersion":"1"},"status":{"phase":"Running"}}""");
        var fresh = await _api.PatchAsync(X + "/status", "{\"metadata\":{\"resourceVersion\":\"" + current + "\"},\"status\":{\"phase\":\"Running\"}}");

        Assert.Equal(409, stale.Code);
        Assert.Equal("Conflict", stale.Reason);
        Assert.Equal(200, fresh.Code);
        Assert.NotEqual(current, fresh.ResourceVersion);
    }

    [RequiresCrdsFact]
    public async Task Json_patch_applies_operations_and_a_failed_test_is_422()
    {
        Seed("""{"stats":[{"hostname":"host-0","phase":"Running"}]}""");

        var applied = await _api.PatchAsync(X + "/status",
            """[{"op":"test","path":"/status/stats/0/hostname","value":"host-0"},{"op":"replace","path":"/status/stats/0/phase","value":"Succeeded"},{"op":"add","path":"/status/stats/-","value":{"hostname":"host-1","phase":"Running"}}]""",
            "application/json-patch+json");
        var failed = await _api.PatchAsync(X + "/status",
            """[{"op":"test","path":"/status/stats/0/phase","value":"Running"},{"op":"remove","path":"/status/stats"}]""",
            "application/json-patch+json");

        Assert.Equal(200, applied.Code);
        Assert.Equal("""[{"hostname":"host-0","phase":"Succeeded"},{"hostname":"host-1","phase":"Running"}]""", applied.Json["status"]!["stats"]!.ToJsonString());
        Assert.Equal(422, failed.Code);
        Assert.Equal("Invalid", failed.Reason);
        Assert.Equal("the server rejected our request due to an error in our request", failed.Message);
        Assert.Contains("testing value /status/stats/0/phase failed", failed.Body, StringComparison.Ordinal);
        Assert.Equal(2, _server.Get("stash.appscode.com/v1beta1", "RestoreSession", "demo", "x")!["status"]!["stats"]!.AsArray().Count);
    }

    [RequiresCrdsFact]
    public async Task Strategic_merge_patch_on_a_custom_resource_is_415()
    {
        Seed();

        var response = await _api.PatchAsync(X, """{"spec":{}}""", "application/strategic-merge-patch+json");

        Assert.Equal(415, response.Code);
        Assert.Equal("UnsupportedMediaType", response.Reason);
    }

    [Fact]
    public async Task Strategic_merge_patch_on_a_built_in_type_is_accepted()
    {
        _server.Put("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"demo"},"data":{"a":"1"}}""");

        var response = await _api.PatchAsync("/api/v1/namespaces/demo/configmaps/cm", """{"data":{"b":"2"}}""", "application/strategic-merge-patch+json");

        Assert.Equal(200, response.Code);
        Assert.Equal("""{"a":"1","b":"2"}""", response.Json["data"]!.ToJsonString());
    }
}
