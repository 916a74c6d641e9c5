namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

public sealed class FaultAndLogTests : IAsyncLifetime
{
    private const string Secrets = "/api/v1/namespaces/demo/secrets";
    private TestApiServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _api = new ApiClient(_server, _server.AdminToken);
        _server.Put("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"demo"},"data":{"k":"dg=="}}""");
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Injected_429_carries_Retry_After_and_a_Status_body()
    {
        _server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [429], RetryAfterSeconds = 3 });

        var response = await _api.GetAsync(Secrets + "/s");

        Assert.Equal(429, response.Code);
        Assert.Equal(TimeSpan.FromSeconds(3), response.RetryAfter);
        Assert.Equal("TooManyRequests", response.Reason);
        Assert.Equal(3, (int)response.Json["details"]!["retryAfterSeconds"]!);
    }

    [Fact]
    public async Task MaxFaults_fails_exactly_the_first_matching_requests()
    {
        _server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [503], MaxFaults = 2, Methods = ["GET"], PathContains = "/secrets/s" });

        var codes = new List<int>();
        for (var i = 0; i < 4; i++)
            codes.Add((await _api.GetAsync(Secrets + "/s")).Code);
        var unmatched = await _api.GetAsync("/api/v1/namespaces/demo/configmaps");

        Assert.Equal([503, 503, 200, 200], codes);
        Assert.Equal(200, unmatched.Code);
        Assert.Equal(2, _server.Faults.InjectedCount);
    }

    [Fact]
    public async Task Conflicts_are_only_injected_on_writes()
    {
        _server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [409] });

        var read = await _api.GetAsync(Secrets + "/s");
        var write = await _api.PatchAsync(Secrets + "/s", """{"data":{"k2":"dg=="}}""");

        Assert.Equal(200, read.Code);
        Assert.Equal(409, write.Code);
        Assert.Equal("Operation cannot be fulfilled on secrets \"s\": the object has been modified; please apply your changes to the latest version and try again", write.Message);
        Assert.Null(_server.Get("v1", "Secret", "demo", "s")!["data"]!["k2"]);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_faults()
    {
        async Task<List<int>> RunAsync()
        {
            _server.Faults.Set(new FaultPlan { Rate = 0.5, StatusCodes = [500, 503], Seed = 42 });
            var codes = new List<int>();
            for (var i = 0; i < 12; i++)
                codes.Add((await _api.GetAsync(Secrets + "/s")).Code);
            return codes;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains(200, first);
        Assert.Contains(first, c => c is 500 or 503);
    }

    [Fact]
    public async Task Dropped_connections_fail_the_request_without_an_answer_and_Clear_stops_faults()
    {
        _server.Faults.Set(new FaultPlan { DropConnectionRate = 1 });

        await Assert.ThrowsAsync<HttpRequestException>(() => _api.GetAsync(Secrets + "/s"));
        _server.Faults.Clear();
        var after = await _api.GetAsync(Secrets + "/s");

        Assert.Equal(200, after.Code);
    }

    [Fact]
    public async Task Latency_delays_but_still_serves()
    {
        _server.Faults.Set(new FaultPlan { Latency = TimeSpan.FromMilliseconds(50) });

        var response = await _api.GetAsync(Secrets + "/s");

        Assert.Equal(200, response.Code);
    }

    [Fact]
    public async Task The_request_log_records_what_the_server_saw()
    {
        var reader = _server.AddToken("reader", new AccessRule("get", "", "secrets"));
        using var readerApi = new ApiClient(_server, reader);
        _server.ClearRequests();

        await _api.PatchAsync(Secrets + "/s?fieldManager=test", """{"data":{"k2":"dg=="}}""");
        await readerApi.PatchAsync(Secrets + "/s", """{"data":{}}""");

        var log = _server.Requests;
        Assert.Equal(2, log.Count);
        Assert.Equal(new RequestRecord("PATCH", Secrets + "/s?fieldManager=test", "application/merge-patch+json",
            """{"data":{"k2":"dg=="}}""", 200, "kubernetes-admin"), log[0]);
        Assert.Equal(403, log[1].StatusCode);
        Assert.Equal("reader", log[1].User);
    }
}
