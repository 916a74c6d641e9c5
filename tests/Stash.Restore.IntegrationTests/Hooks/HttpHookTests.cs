using System.Net;
using System.Net.Sockets;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Support;
using static Stash.Restore.Tests.Shared.HookTestKit;
using static Stash.Restore.Tests.Shared.HookContexts;

namespace Stash.Restore.IntegrationTests.Hooks;

public sealed class HttpHookTests
{
    private readonly LogCapture _log = new();

    [Fact]
    public async Task Http_get_sends_path_and_headers_with_templates_rendered()
    {
        await using var server = new TestHttpServer(204);
        var hook = new HookSpec
        {
            HttpGet = new HttpGetAction
            {
                Host = "127.0.0.1",
                Port = IntOrString.FromNumber(server.Port),
                Path = "/ready/{{ .Namespace }}?host={{ .Hostname }}",
                HttpHeaders =
                [
                    new HttpHeader { Name = "X-Session", Value = "{{ .Name }}" },
                    new HttpHeader { Name = "X-Repeat", Value = "a" },
                    new HttpHeader { Name = "X-Repeat", Value = "b" },
                    new HttpHeader { Name = "Host", Value = "app.internal" },
                ],
            },
        };

        var result = await Executor(_log.Logger).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal($"HTTP 204 from GET http://127.0.0.1:{server.Port}/ready/demo?host=host-1", result.Message);
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/ready/demo?host=host-1", request.Target);
        Assert.Equal(["restore-mysql"], request.HeaderValues("X-Session"));
        Assert.Equal("a, b", string.Join(", ", request.HeaderValues("X-Repeat")));
        Assert.Equal(["app.internal"], request.HeaderValues("Host"));
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task Http_post_sends_the_body_and_content_type_given()
    {
        await using var server = new TestHttpServer(200);
        var hook = new HookSpec
        {
            HttpPost = new HttpPostAction
            {
                Port = IntOrString.FromNumber(server.Port),
                Path = "notify",
                Body = """{"session":"{{ .Name }}","phase":"{{ .Status.Phase }}","error":"{{ .Status.Error }}"}""",
                HttpHeaders = [new HttpHeader { Name = "Content-Type", Value = "application/json" }],
            },
        };

        // Host defaults to the pod IP.
        var result = await Executor(_log.Logger, options: new HookExecutorOptions { PodIp = "127.0.0.1" })
            .ExecuteAsync(hook, PostContext(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/notify", request.Target);
        Assert.Equal(["application/json"], request.HeaderValues("Content-Type"));
        Assert.Equal("""{"session":"restore-mysql","phase":"Failed","error":"restic exited 1"}""", request.BodyText);
    }

    [Fact]
    public async Task Http_post_form_is_url_encoded_with_repeated_keys()
    {
        await using var server = new TestHttpServer(200);
        var hook = new HookSpec
        {
            HttpPost = new HttpPostAction
            {
                Port = IntOrString.FromName("web"),
                Path = "/hook",
                Form =
                [
                    new FormEntry { Key = "host", Values = ["{{ .Hostname }}"] },
                    new FormEntry { Key = "tag", Values = ["a b", "c&d"] },
                ],
            },
        };
        var options = new HookExecutorOptions { NamedPorts = new Dictionary<string, int> { ["web"] = server.Port } };

        var result = await Executor(_log.Logger, options: options).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        var request = Assert.Single(server.Requests);
        Assert.Equal(["application/x-www-form-urlencoded"], request.HeaderValues("Content-Type"));
        Assert.Equal("host=host-1&tag=a+b&tag=c%26d", request.BodyText);
    }

    [Fact]
    public async Task A_redirect_is_success_and_is_not_followed()
    {
        await using var server = new TestHttpServer(302, responseHeaders: new Dictionary<string, string> { ["Location"] = "http://127.0.0.1:1/elsewhere" });
        var hook = new HookSpec { HttpGet = new HttpGetAction { Port = IntOrString.FromNumber(server.Port), Path = "/" } };

        var result = await Executor(_log.Logger).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_server_error_fails_with_status_and_the_start_of_the_body_masked()
    {
        await using var server = new TestHttpServer(503, "database not ready\ntoken=tok-9f8e7d6c");
        var masker = new SecretMasker();
        masker.Add("tok-9f8e7d6c");
        var hook = new HookSpec { HttpGet = new HttpGetAction { Port = IntOrString.FromNumber(server.Port), Path = "/ready" } };

        var result = await Executor(_log.Logger, masker: masker).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal($"HTTP 503 Service Unavailable from GET http://127.0.0.1:{server.Port}/ready: database not ready token=***", result.Message);
        Assert.DoesNotContain("tok-9f8e7d6c", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_does_not_verify_the_certificate()
    {
        await using var server = new TestHttpServer(200, https: true);
        var hook = new HookSpec { HttpGet = new HttpGetAction { Port = IntOrString.FromNumber(server.Port), Scheme = "HTTPS", Path = "/tls" } };

        var result = await Executor(_log.Logger).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("/tls", Assert.Single(server.Requests).Target);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out()
    {
        await using var server = new TestHttpServer(neverAnswer: true);
        var hook = new HookSpec { HttpPost = new HttpPostAction { Port = IntOrString.FromNumber(server.Port), Body = "x" } };
        var options = new HookExecutorOptions { Timeout = TimeSpan.FromMilliseconds(300) };

        var result = await Executor(_log.Logger, options: options).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("timed out after 300ms", result.Message);
    }

    [Fact]
    public async Task A_closed_port_fails_naming_the_target()
    {
        var port = ClosedPort();
        var hook = new HookSpec { HttpGet = new HttpGetAction { Port = IntOrString.FromNumber(port), Path = "/x" } };

        var result = await Executor(_log.Logger).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.StartsWith($"GET http://127.0.0.1:{port}/x: ", result.Message, StringComparison.Ordinal);
        Assert.Contains("refused", result.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_named_port_fails_listing_the_known_ones()
    {
        var hook = new HookSpec { HttpGet = new HttpGetAction { Port = IntOrString.FromName("metrics") } };
        var options = new HookExecutorOptions { NamedPorts = new Dictionary<string, int> { ["http"] = 8080, ["admin"] = 9090 } };

        var result = await Executor(_log.Logger, options: options).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("httpGet.port \"metrics\" is not a named port of the pod's containers (known: admin, http)", result.Message);
    }

    internal static int ClosedPort()
    {
        // Bind and release: nothing listens there afterwards.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
