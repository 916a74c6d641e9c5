using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>The rest backend against a real restic REST server, through the CLI with real restic.</summary>
public sealed class RestBackendTests(RestServerFixture server) : IClassFixture<RestServerFixture>
{
    private Dictionary<string, string> Secret(string password = RestServerFixture.Password, bool withCa = false)
    {
        var secret = new Dictionary<string, string>
        {
            ["RESTIC_PASSWORD"] = RestServerFixture.RepositoryPassword,
            ["REST_SERVER_USERNAME"] = RestServerFixture.User,
            ["REST_SERVER_PASSWORD"] = password,
        };
        if (withCa)
            secret["CA_CERT_DATA"] = server.Certificates.CaPem;
        return secret;
    }

    private static string Backend(string url) => $"""
        rest:
          url: {url}
        """;

    [RequiresToolFact(TestTool.RestServer)]
    public async Task Http_with_a_password_that_needs_url_escaping_restores_identical_files()
    {
        var run = await server.Kit.RestoreAsync(Backend($"http://127.0.0.1:{server.HttpPort}/{RestServerFixture.RepositoryName}"), Secret());

        server.Kit.AssertRestored(run);
        Assert.DoesNotContain(RestServerFixture.Password, run.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(RestServerFixture.Password), run.AllOutput, StringComparison.Ordinal);
        // The log names the repository with its user name and the password masked (REST_SERVER_USERNAME is an identifier).
        Assert.True(
            run.Result.Error.Contains($"from rest:http://{RestServerFixture.User}:***@127.0.0.1:{server.HttpPort}/{RestServerFixture.RepositoryName}", StringComparison.Ordinal),
            run.Result.ToString());
    }

    [RequiresToolFact(TestTool.RestServer)]
    public async Task Https_trusting_the_servers_ca_from_CA_CERT_DATA_restores_identical_files()
    {
        var run = await server.Kit.RestoreAsync(Backend($"https://127.0.0.1:{server.HttpsPort}/{RestServerFixture.RepositoryName}"), Secret(withCa: true));

        server.Kit.AssertRestored(run);
    }

    [RequiresToolFact(TestTool.RestServer)]
    public async Task The_dry_runs_preview_over_https_hands_CA_CERT_DATA_to_restic_in_memory_and_writes_no_file()
    {
        var run = await server.Kit.RestoreAsync(Backend($"https://127.0.0.1:{server.HttpsPort}/{RestServerFixture.RepositoryName}"), Secret(withCa: true),
            extraArguments: ["--dry-run", "-o", "json"]);

        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        var call = System.Text.Json.Nodes.JsonNode.Parse(run.Result.Output)!["resticCalls"]![0]!;
        // restic trusted the server: it read the CA from the memory file and said what it would restore.
        Assert.Null(call["changesProblem"]);
        Assert.True((long)call["changes"]!["restored"]! > 0, call.ToJsonString());
        // The plan names the file a restore would write; the preview wrote none, nor the scratch folder holding it.
        var argv = call["argv"]!.AsArray().Select(a => (string)a!).ToList();
        var caFile = argv[argv.IndexOf("--cacert") + 1];
        var scratch = Path.GetDirectoryName(Path.GetDirectoryName(caFile))!;
        Assert.StartsWith(server.Kit.Root, scratch, StringComparison.Ordinal);
        Assert.False(Directory.Exists(scratch), $"the preview created {scratch}");
        Assert.False(Directory.Exists(run.Target));
        Assert.False(File.Exists(run.StatusFile));
    }

    [RequiresToolFact(TestTool.RestServer)]
    public async Task Https_without_the_ca_is_stopped_at_the_timeOut_naming_the_certificate_in_status()
    {
        // restic 0.18 retries a certificate it cannot verify as if the server were down.
        var run = await server.Kit.RestoreAsync(Backend($"https://127.0.0.1:{server.HttpsPort}/{RestServerFixture.RepositoryName}"), Secret(), timeOut: "5s");

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "deadline exceeded", RestServerFixture.Password, RestServerFixture.RepositoryPassword);
        Assert.Contains("x509: certificate signed by unknown authority", (string)run.Entry["error"]!, StringComparison.Ordinal);
    }

    [RequiresToolFact(TestTool.RestServer)]
    public async Task Wrong_rest_password_fails_with_one_line_and_no_secret_anywhere()
    {
        const string wrong = "not the p@ss";
        var run = await server.Kit.RestoreAsync(Backend($"http://127.0.0.1:{server.HttpPort}/{RestServerFixture.RepositoryName}"), Secret(wrong), timeOut: "60s");

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "401", wrong, Uri.EscapeDataString(wrong), RestServerFixture.RepositoryPassword);
        var error = (string)run.Entry["error"]!;
        Assert.Contains($"authentication failed for repository rest:http://{RestServerFixture.User}:***@127.0.0.1:{server.HttpPort}/{RestServerFixture.RepositoryName}", error, StringComparison.Ordinal);
        Assert.Contains("unexpected HTTP response (401): 401 Unauthorized", error, StringComparison.Ordinal);
        Assert.DoesNotContain("no repository at", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Is there a repository", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(run.Target, server.Kit.DataPath.TrimStart('/'))), "something was restored");
    }

    [Fact]
    public async Task Server_down_fails_within_the_sessions_timeOut()
    {
        using var kit = BackendRestoreKit.Create("down");
        var closed = ServerProcess.FreePort();

        var run = await kit.RestoreAsync(Backend($"http://127.0.0.1:{closed}/{RestServerFixture.RepositoryName}"), Secret(), timeOut: "4s");

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "deadline exceeded", RestServerFixture.Password, RestServerFixture.RepositoryPassword);
        Assert.Contains($"127.0.0.1:{closed}: connect: connection refused", (string)run.Entry["error"]!, StringComparison.Ordinal);
        // restic 0.18 alone keeps retrying a refused connection for about 15 minutes.
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), $"took {run.Elapsed}");
    }
}
