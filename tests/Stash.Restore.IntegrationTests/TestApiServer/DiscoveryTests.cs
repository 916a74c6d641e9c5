namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

public sealed class DiscoveryTests : IAsyncLifetime
{
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

    [RequiresCrdsFact]
    public async Task Groups_list_every_loaded_crd_group_and_the_built_in_ones()
    {
        var groups = await _api.GetAsync("/apis", accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");

        // Plain JSON (not the aggregated form) makes kubectl fall back to per-group discovery.
        Assert.Equal("application/json", groups.ContentType);
        Assert.Equal("APIGroupList", (string?)groups.Json["kind"]);
        var names = groups.Json["groups"]!.AsArray().Select(g => (string)g!["name"]!).ToList();
        Assert.Equal(
            ["coordination.k8s.io", "events.k8s.io", "rbac.authorization.k8s.io", "authorization.k8s.io", "repositories.stash.appscode.com", "stash.appscode.com", "core.kubestash.com", "storage.kubestash.com"],
            names);
    }

    [RequiresCrdsFact]
    public async Task Resource_list_carries_short_names_categories_and_the_status_subresource()
    {
        var list = await _api.GetAsync("/apis/stash.appscode.com/v1beta1");

        Assert.Equal("APIResourceList", (string?)list.Json["kind"]);
        Assert.Equal("stash.appscode.com/v1beta1", (string?)list.Json["groupVersion"]);
        var resources = list.Json["resources"]!.AsArray();
        var main = resources.Single(r => (string?)r!["name"] == "restoresessions")!;
        Assert.Equal("RestoreSession", (string?)main["kind"]);
        Assert.True((bool)main["namespaced"]!);
        Assert.Equal("""["restore"]""", main["shortNames"]!.ToJsonString());
        Assert.Equal("""["stash","appscode","all"]""", main["categories"]!.ToJsonString());
        Assert.Contains("patch", main["verbs"]!.AsArray().Select(v => (string)v!));
        var status = resources.Single(r => (string?)r!["name"] == "restoresessions/status")!;
        Assert.Equal("""["get","patch","update"]""", status["verbs"]!.ToJsonString());
    }

    [Fact]
    public async Task Core_discovery_and_version()
    {
        var api = await _api.GetAsync("/api");
        var v1 = await _api.GetAsync("/api/v1");
        var version = await _api.GetAsync("/version");
        var unknown = await _api.GetAsync("/apis/nope.example.com/v1");
        var emptyGroup = await _api.GetAsync("/apis//v1/namespaces/default/secrets");

        Assert.Equal("""["v1"]""", api.Json["versions"]!.ToJsonString());
        var names = v1.Json["resources"]!.AsArray().Select(r => (string)r!["name"]!).ToList();
        Assert.Contains("secrets", names);
        Assert.Contains("pods/exec", names);
        Assert.Contains("namespaces", names);
        Assert.Equal("1", (string?)version.Json["major"]);
        Assert.Equal(404, unknown.Code);
        Assert.Equal("NotFound", unknown.Reason);
        // The core group lives at /api/v1 alone, as on kube-apiserver.
        Assert.Equal(404, emptyGroup.Code);
    }
}
