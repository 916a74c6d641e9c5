using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

// Inside the namespace: "TestApiServer" would otherwise resolve to the namespace Stash.Restore.TestApiServer.
using Stash.Restore.TestApiServer;

/// <summary>Runs a test only when the repository's ../shared/crds exists; says so plainly when it does not.</summary>
public sealed class RequiresCrdsFactAttribute : FactAttribute
{
    public RequiresCrdsFactAttribute()
    {
        if (TestApiServer.FindSharedCrdDirectory() is null)
            Skip = "skipped: ../shared/crds not found (walked up from the test binary to StashRestore.slnx, then ../shared/crds); CRD-backed API server tests need it";
    }
}

/// <summary>Runs a test only when /usr/bin/kubectl and ../shared/crds exist; says which one is missing.</summary>
public sealed class RequiresKubectlFactAttribute : FactAttribute
{
    public RequiresKubectlFactAttribute()
    {
        if (!File.Exists(Kubectl.Path))
            Skip = $"skipped: {Kubectl.Path} not found; kubectl compatibility of the test API server not checked";
        else if (TestApiServer.FindSharedCrdDirectory() is null)
            Skip = "skipped: ../shared/crds not found (walked up from the test binary to StashRestore.slnx); kubectl tests need the CRDs";
    }
}

/// <summary>A plain HttpClient that trusts only the server's generated CA, plus small helpers.</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(TestApiServer server, string? token, string? host = null, string scheme = "Bearer")
    {
        var handler = CreateHandler(server);
        var baseAddress = host is null ? server.BaseAddress : new UriBuilder(server.BaseAddress) { Host = host }.Uri;
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, token);
    }

    /// <summary>A handler that trusts only the server's CA (and still checks the host name).</summary>
    public static SocketsHttpHandler CreateHandler(TestApiServer server) => new()
    {
        SslOptions =
        {
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                CustomTrustStore = { X509Certificate2.CreateFromPem(server.CaCertificatePem) },
            },
        },
    };

    public async Task<Response> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
        if (accept is not null)
            request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var warnings = response.Headers.TryGetValues("Warning", out var w) ? w.ToList() : [];
        return new Response((int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType, warnings,
            response.Headers.RetryAfter?.Delta);
    }

    public Task<Response> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, accept: accept);

    public Task<Response> PostAsync(string path, string body) => SendAsync(HttpMethod.Post, path, body);

    public Task<Response> PutAsync(string path, string body) => SendAsync(HttpMethod.Put, path, body);

    public Task<Response> PatchAsync(string path, string body, string contentType = "application/merge-patch+json") =>
        SendAsync(HttpMethod.Patch, path, body, contentType);

    public Task<Response> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public void Dispose() => _http.Dispose();
}

internal sealed record Response(int Code, string Body, string? ContentType, List<string> Warnings, TimeSpan? RetryAfter)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public string? Message => (string?)Json["message"];

    public string? Reason => (string?)Json["reason"];

    public string? ResourceVersion => (string?)Json["metadata"]?["resourceVersion"];
}

/// <summary>Runs /usr/bin/kubectl with argv (no shell) against a kubeconfig.</summary>
internal static class Kubectl
{
    public const string Path = "/usr/bin/kubectl";

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string kubeconfig, params string[] args)
    {
        var start = new ProcessStartInfo(Path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        // kubectl must not pick up a cache or config from the machine it runs on.
        start.Environment["HOME"] = System.IO.Path.GetDirectoryName(kubeconfig)!;
        start.Environment.Remove("KUBECONFIG");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A temporary directory removed at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "apiserver-test-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

internal static class Objects
{
    public const string RestoreSessions = "/apis/stash.appscode.com/v1beta1/namespaces/demo/restoresessions";

    public static string RestoreSession(string name = "x", string? resourceVersion = null, string repository = "repo", string? status = null)
    {
        var metadata = $"\"name\": \"{name}\", \"namespace\": \"demo\"" + (resourceVersion is null ? "" : $", \"resourceVersion\": \"{resourceVersion}\"");
        var statusPart = status is null ? "" : ", \"status\": " + status;
        return "{\"apiVersion\": \"stash.appscode.com/v1beta1\", \"kind\": \"RestoreSession\", \"metadata\": {" + metadata + "}, " +
            "\"spec\": {\"repository\": {\"name\": \"" + repository + "\"}, \"target\": {\"rules\": [{\"paths\": [\"/data\"]}]}}" + statusPart + "}";
    }
}
