using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

public sealed class WatchTests : IAsyncLifetime
{
    private TestApiServer _server = null!;
    private HttpClient _http = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _http = new HttpClient(ApiClient.CreateHandler(_server)) { BaseAddress = _server.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _server.AdminToken);
        _api = new ApiClient(_server, _server.AdminToken);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _api.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<StreamReader> OpenAsync(string pathAndQuery, CancellationToken ct)
    {
        var response = await _http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(200, (int)response.StatusCode);
        return new StreamReader(await response.Content.ReadAsStreamAsync(ct));
    }

    private static async Task<(string Type, JsonObject Object)> NextAsync(StreamReader reader, CancellationToken ct)
    {
        var line = await reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("watch ended");
        var evt = JsonNode.Parse(line)!.AsObject();
        return ((string)evt["type"]!, evt["object"]!.AsObject());
    }

    [RequiresCrdsFact]
    public async Task Watch_sends_current_objects_then_changes_in_its_namespace()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        _server.Put(Objects.RestoreSession("x"));
        _server.Put(Objects.RestoreSession("elsewhere").Replace("\"demo\"", "\"other\"", StringComparison.Ordinal));
        using var reader = await OpenAsync(Objects.RestoreSessions + "?watch=true", timeout.Token);

        var added = await NextAsync(reader, timeout.Token);
        await _api.PatchAsync(Objects.RestoreSessions + "/x/status", """{"status":{"phase":"Running"}}""");
        _server.Put(Objects.RestoreSession("elsewhere", repository: "changed").Replace("\"demo\"", "\"other\"", StringComparison.Ordinal));
        await _api.DeleteAsync(Objects.RestoreSessions + "/x");
        var modified = await NextAsync(reader, timeout.Token);
        var deleted = await NextAsync(reader, timeout.Token);

        Assert.Equal("ADDED", added.Type);
        Assert.Equal("x", (string?)added.Object["metadata"]!["name"]);
        Assert.Equal("MODIFIED", modified.Type);
        Assert.Equal("Running", (string?)modified.Object["status"]!["phase"]);
        Assert.Equal("DELETED", deleted.Type);
        Assert.Equal("x", (string?)deleted.Object["metadata"]!["name"]);
    }

    [RequiresCrdsFact]
    public async Task Watch_from_a_resourceVersion_replays_only_later_events_and_honours_timeoutSeconds()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var first = _server.Put(Objects.RestoreSession("x"));
        var since = (string)first["metadata"]!["resourceVersion"]!;
        _server.Put(Objects.RestoreSession("x", repository: "second"));

        using var reader = await OpenAsync(Objects.RestoreSessions + $"?watch=1&resourceVersion={since}&timeoutSeconds=1", timeout.Token);
        var replayed = await NextAsync(reader, timeout.Token);
        var end = await reader.ReadLineAsync(timeout.Token);

        Assert.Equal("MODIFIED", replayed.Type);
        Assert.Equal("second", (string?)replayed.Object["spec"]!["repository"]!["name"]);
        Assert.Null(end);
    }

    [RequiresCrdsFact]
    public async Task Watch_needs_the_watch_verb()
    {
        var token = _server.AddToken("lister", new AccessRule("list", "stash.appscode.com", "restoresessions"));
        using var api = new ApiClient(_server, token);

        var response = await api.GetAsync(Objects.RestoreSessions + "?watch=true&timeoutSeconds=1");

        Assert.Equal(403, response.Code);
        Assert.Contains("cannot watch resource \"restoresessions\"", response.Message, StringComparison.Ordinal);
    }
}
