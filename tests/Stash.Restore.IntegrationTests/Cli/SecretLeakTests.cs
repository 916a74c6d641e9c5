using System.Text;
using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Metrics;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>A repository with one snapshot of host-0's <c>…/srv/data</c>.</summary>
public sealed class LeakRepositoryFixture : IAsyncLifetime
{
    internal TestRepository Repo { get; private set; } = null!;
    internal string DataPath { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Repo = await TestRepository.CreateAsync();
        DataPath = Path.Combine(Repo.Root, "srv", "data");
        TestTree.At(DataPath).File("a.txt", "alpha").File("b/c.txt", "gamma");
        await Repo.BackupAsync("host-0", new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), DataPath);
    }

    public Task DisposeAsync()
    {
        Repo.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The executor end to end with distinctive secret values in the backend Secret, grepped for in
/// every output: the log (stderr), stdout, the status file, and the files left in the scratch folder.
/// </summary>
public sealed class SecretLeakTests(LeakRepositoryFixture fixture) : IClassFixture<LeakRepositoryFixture>
{
    private const string Sas = "sv=2025-01-05&sig=U0FTLWxlYWstdGVzdA";
    private const string ShortKey = "xq7";
    private const string PemLine = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
    private readonly TestRepository _repo = fixture.Repo;
    private readonly string _run = Directory.CreateTempSubdirectory("stash-leak-run-").FullName;

    private static readonly string GcsKey =
        "{\"type\":\"service_account\",\"project_id\":\"demo\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\n" + PemLine + "\\n-----END PRIVATE KEY-----\\n\"}";

    private string SessionFile(string hooksYaml = "")
    {
        var path = Path.Combine(_run, "rs.yaml");
        File.WriteAllText(path, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata:
              name: rs1
              namespace: demo
            spec:
              repository:
                name: stash-repo
              target:
                ref:
                  apiVersion: apps/v1
                  kind: Deployment
                  name: app
                rules:
                - paths: ["{fixture.DataPath}"]
            {hooksYaml}
            """);
        return path;
    }

    private string RepositoryFile()
    {
        var path = Path.Combine(_run, "repo.yaml");
        File.WriteAllText(path, $"""
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {"{"}name: stash-repo, namespace: demo{"}"}
            spec:
              backend:
                local:
                  mountPath: {_repo.RepositoryPath}
                storageSecretName: repo-secret
            """);
        return path;
    }

    /// <summary>The Secret of the issue's probe: identifiers that are ordinary words, and credentials of every kind.</summary>
    private string SecretDir(string password, params (string Key, string Value)[] extra)
    {
        var dir = Path.Combine(_run, "secret");
        Directory.CreateDirectory(dir);
        var data = new Dictionary<string, string>
        {
            ["RESTIC_PASSWORD"] = password,
            ["REST_SERVER_USERNAME"] = "restic",
            ["OS_PROJECT_NAME"] = "demo",
            ["B2_ACCOUNT_ID"] = "data",
            ["OS_USERNAME"] = "stash",
            ["AZURE_ACCOUNT_SAS"] = Sas,
            ["ST_KEY"] = ShortKey,
            ["GOOGLE_SERVICE_ACCOUNT_JSON_KEY"] = GcsKey,
        };
        foreach (var (key, value) in extra)
            data[key] = value;
        foreach (var (key, value) in data)
            File.WriteAllText(Path.Combine(dir, key), value);
        return dir;
    }

    private string Scratch => Path.Combine(_run, "scratch");

    private Task<CliResult> Restore(string session, string secretDir, IReadOnlyDictionary<string, string>? environment = null, params string[] extra) =>
        CliHarness.RunAsync(environment, [
            "restore", "--restoresession-file", session, "--repository-file", RepositoryFile(), "--secret-dir", secretDir,
            "--target-dir", Path.Combine(_run, "target"), "--scratch-dir", Scratch, "--status-file", Path.Combine(_run, "status.json"),
            "--log-format", "text", "--log-level", "debug", .. extra]);

    private string Everything(CliResult result)
    {
        var text = new StringBuilder(result.Output).Append(result.Error);
        if (File.Exists(Path.Combine(_run, "status.json")))
            text.Append(File.ReadAllText(Path.Combine(_run, "status.json")));
        if (Directory.Exists(Scratch))
        {
            foreach (var file in Directory.EnumerateFiles(Scratch, "*", SearchOption.AllDirectories).Where(f => !f.Contains("restic-cache", StringComparison.Ordinal)))
                text.Append(file).Append(File.ReadAllText(file));
        }
        return text.ToString();
    }

    private void AssertNoSecret(CliResult result, params string[] more)
    {
        var all = Everything(result);
        foreach (var secret in more.Concat([Sas, PemLine, "U0FTLWxlYWstdGVzdA"]))
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?<![A-Za-z0-9_])xq7(?![A-Za-z0-9_])", all);
    }

    [Fact]
    public async Task A_secret_full_of_identifiers_leaves_every_line_readable()
    {
        var result = await Restore(SessionFile(), SecretDir(_repo.Password));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("alpha", File.ReadAllText(Path.Combine(_run, "target") + fixture.DataPath + "/a.txt"));
        // restic, demo, data and stash are ordinary words here: nothing is masked at all.
        Assert.DoesNotContain("***", Everything(result), StringComparison.Ordinal);
        Assert.Contains("[demo/rs1 host-0]", result.Error, StringComparison.Ordinal);
        Assert.Contains($"restic: restoring path {fixture.DataPath} of host host-0", result.Error, StringComparison.Ordinal);
        Assert.Contains("(1 restic call(s), restic 0.", result.Error, StringComparison.Ordinal);
        AssertNoSecret(result, _repo.Password);
    }

    [Fact]
    public async Task A_hook_printing_credentials_shows_none_in_log_status_or_files()
    {
        var pem = Path.Combine(_run, "key.pem");
        await File.WriteAllTextAsync(pem, $"-----BEGIN PRIVATE KEY-----\n{PemLine}\n-----END PRIVATE KEY-----\n");
        var session = SessionFile($"""
              hooks:
                postRestore:
                  exec:
                    command: ["/bin/sh", "-c", "cat '{pem}'; echo 'sas={Sas} key={ShortKey} project=demo'; exit 4"]
            """);

        var result = await Restore(session, SecretDir(_repo.Password));

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        AssertNoSecret(result, _repo.Password);
        var error = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(_run, "status.json")))!["stats"]![0]!["error"]!;
        Assert.Contains("last output: *** | sas=*** key=*** project=demo", error, StringComparison.Ordinal);
        Assert.Contains("sas=*** key=*** project=demo", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_region_key_of_the_secret_stays_readable_in_the_log_and_the_error_while_its_token_is_masked()
    {
        // BACKUP_REGION is no key the classifier names: its _REGION ending alone makes it an identifier.
        var session = SessionFile("""
              hooks:
                preRestore:
                  exec:
                    command: ["/bin/sh", "-c", "echo 'bucket not ready in eu-north-1 (token tok-5ecret-77)' >&2; exit 3"]
            """);

        var result = await Restore(session, SecretDir(_repo.Password, ("BACKUP_REGION", "eu-north-1"), ("BACKUP_TOKEN", "tok-5ecret-77")));

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var error = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(_run, "status.json")))!["stats"]![0]!["error"]!;
        Assert.Contains("bucket not ready in eu-north-1 (token ***)", error, StringComparison.Ordinal);
        Assert.Contains("bucket not ready in eu-north-1 (token ***)", result.Error, StringComparison.Ordinal);
        AssertNoSecret(result, _repo.Password, "tok-5ecret-77");
    }

    [Fact]
    public async Task A_wrong_password_named_wrong_leaves_the_wrong_password_message_readable()
    {
        var result = await Restore(SessionFile(), SecretDir("wrong"));

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var error = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(_run, "status.json")))!["stats"]![0]!["error"]!;
        Assert.Contains("wrong password for repository local:" + _repo.RepositoryPath, error, StringComparison.Ordinal);
        Assert.DoesNotContain("*** password", result.Error + error, StringComparison.Ordinal);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Dry_run_writes_no_credential_file_and_no_folder()
    {
        var result = await Restore(SessionFile(), SecretDir(_repo.Password, ("CA_CERT_DATA", "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n")), null, "--dry-run");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("--cacert", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Scratch));
        AssertNoSecret(result, _repo.Password);
    }

    [Fact]
    public async Task Pushgateway_credentials_come_from_the_environment_not_argv_and_are_never_printed()
    {
        await using var gateway = new TestPushgateway(401, "unauthorized: pgw-pass-777 is not accepted");
        var environment = new Dictionary<string, string> { ["PUSHGATEWAY_USERNAME"] = "metrics", ["PUSHGATEWAY_PASSWORD"] = "pgw-pass-777" };

        var result = await Restore(SessionFile(), SecretDir(_repo.Password), environment, "--metrics-enabled", "--pushgateway-url", gateway.Url.ToString());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var push = Assert.Single(gateway.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("metrics:pgw-pass-777")), push.Authorization);
        Assert.DoesNotContain("pgw-pass-777", Everything(result), StringComparison.Ordinal);
        Assert.Contains("unauthorized: *** is not accepted", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pushgateway_credentials_file_wins_and_a_password_in_the_url_is_warned_about_and_masked()
    {
        await using var gateway = new TestPushgateway(400, "bad push from url-pw-555");
        var file = Path.Combine(_run, "pgw-credentials");
        await File.WriteAllTextAsync(file, "filed:file-pw-444\n");
        var url = $"http://someone:url-pw-555@127.0.0.1:{gateway.Port}";

        var withFile = await Restore(SessionFile(), SecretDir(_repo.Password), null, "--metrics-enabled", "--pushgateway-url", url, "--pushgateway-credentials-file", file);
        File.Delete(Path.Combine(_run, "status.json")); // else the second run finds host-0 restored and pushes nothing
        var withUrl = await Restore(SessionFile(), SecretDir(_repo.Password), null, "--metrics-enabled", "--pushgateway-url", url);

        var pushes = gateway.Requests.ToList();
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("filed:file-pw-444")), pushes[0].Authorization);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("someone:url-pw-555")), pushes[1].Authorization);
        Assert.Contains("--pushgateway-url carries a password", withUrl.Error, StringComparison.Ordinal);
        foreach (var result in new[] { withFile, withUrl })
        {
            Assert.DoesNotContain("file-pw-444", Everything(result), StringComparison.Ordinal);
            Assert.DoesNotContain("url-pw-555", Everything(result), StringComparison.Ordinal);
        }
    }
}
