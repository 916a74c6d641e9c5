using System.Security.Authentication;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

public sealed class AuthAndTlsTests : IAsyncLifetime
{
    private TestApiServer _server = null!;

    public async Task InitializeAsync() => _server = await TestApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Serves_https_on_127_0_0_1_with_a_certificate_for_the_ip_and_localhost()
    {
        using var byIp = new ApiClient(_server, _server.AdminToken);
        using var byName = new ApiClient(_server, _server.AdminToken, host: "localhost");

        var ip = await byIp.GetAsync("/api/v1/namespaces");
        var name = await byName.GetAsync("/api/v1/namespaces");

        Assert.Equal("https", _server.BaseAddress.Scheme);
        Assert.Equal("127.0.0.1", _server.BaseAddress.Host);
        Assert.NotEqual(0, _server.BaseAddress.Port);
        Assert.Equal(200, ip.Code);
        Assert.Equal(200, name.Code);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", _server.CaCertificatePem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_generated_CA_is_refused()
    {
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/version"));

        Assert.IsType<AuthenticationException>(e.InnerException);
    }

    [Fact]
    public async Task Missing_or_unknown_token_is_401_Status()
    {
        using var anonymous = new ApiClient(_server, token: null);
        using var unknown = new ApiClient(_server, token: "not-a-token");

        var none = await anonymous.GetAsync("/api/v1/namespaces/demo/secrets");
        var bad = await unknown.GetAsync("/api/v1/namespaces/demo/secrets");
        var version = await anonymous.GetAsync("/version");

        Assert.Equal(401, none.Code);
        Assert.Equal("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""", none.Body);
        Assert.Equal(401, bad.Code);
        Assert.Equal(200, version.Code);
    }

    [RequiresCrdsFact]
    public async Task A_token_without_the_right_gets_403_with_the_real_message()
    {
        _server.Put(Objects.RestoreSession());
        var token = _server.AddToken("system:serviceaccount:demo:restricted",
            new AccessRule("get", "stash.appscode.com", "restoresessions", "demo"));
        using var api = new ApiClient(_server, token);

        var get = await api.GetAsync(Objects.RestoreSessions + "/x");
        var patch = await api.PatchAsync(Objects.RestoreSessions + "/x/status", """{"status":{"phase":"Running"}}""");
        var otherNamespace = await api.GetAsync("/apis/stash.appscode.com/v1beta1/namespaces/kube-system/restoresessions/x");

        Assert.Equal(200, get.Code);
        Assert.Equal(403, patch.Code);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"restoresessions.stash.appscode.com \"x\" is forbidden: User \"system:serviceaccount:demo:restricted\" cannot patch resource \"restoresessions/status\" in API group \"stash.appscode.com\" in the namespace \"demo\"","reason":"Forbidden","details":{"name":"x","group":"stash.appscode.com","kind":"restoresessions"},"code":403}""",
            patch.Body);
        Assert.Equal(403, otherNamespace.Code);
        Assert.Null(_server.Get("stash.appscode.com/v1beta1", "RestoreSession", "demo", "x")!["status"]);
    }

    [RequiresCrdsFact]
    public async Task A_rule_on_the_status_subresource_does_not_grant_the_main_resource()
    {
        _server.Put(Objects.RestoreSession());
        var token = _server.AddToken("system:serviceaccount:demo:executor",
            new AccessRule("patch", "stash.appscode.com", "restoresessions/status", "demo"));
        using var api = new ApiClient(_server, token);

        var status = await api.PatchAsync(Objects.RestoreSessions + "/x/status", """{"status":{"phase":"Running"}}""");
        var main = await api.PatchAsync(Objects.RestoreSessions + "/x", """{"spec":{"paused":true}}""");
        var list = await api.GetAsync("/api/v1/namespaces/demo/secrets");

        Assert.Equal(200, status.Code);
        Assert.Equal(403, main.Code);
        Assert.Equal(403, list.Code);
        Assert.Equal("secrets is forbidden: User \"system:serviceaccount:demo:executor\" cannot list resource \"secrets\" in API group \"\" in the namespace \"demo\"", list.Message);
    }

    [Fact]
    public async Task Bearer_scheme_is_case_insensitive_like_the_real_server()
    {
        using var api = new ApiClient(_server, _server.AdminToken, scheme: "bearer");

        var response = await api.GetAsync("/api/v1/namespaces");

        Assert.Equal(200, response.Code);
    }
}
