using System.Globalization;
using System.Text.Json.Nodes;
using Stash.Restore.Core;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// Flags and RestoreSession fields that no other test would miss if the executor ignored them
/// (found by breaking each on purpose): <c>--verify</c>, <c>--fail-on-metadata-errors</c>,
/// <c>spec.timeOut</c>, <c>status.sessionDeadline</c>, <c>spec.tempDir.disableCaching</c>.
/// Each test runs the CLI in-process, offline; behaviour that needs restic to misbehave uses
/// <see cref="FakeRestic"/>, a real child process first on PATH.
/// </summary>
public sealed class FlagsHonouredTests : IDisposable
{
    private const string Password = "flags-pw-Zr8#never-shown";
    private const string DataPath = "/var/lib/app-data";

    private readonly string _dir = Directory.CreateTempSubdirectory("flags-honoured-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SessionFile(string specExtra = "", string statusYaml = "")
    {
        var path = Path.Combine(_dir, "rs.yaml");
        File.WriteAllText(path, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {"{"}name: flags, namespace: demo{"}"}
            spec:
              repository:
                name: repo
              target:
                ref: {"{"}apiVersion: apps/v1, kind: Deployment, name: app{"}"}
                rules:
                - paths: ["{DataPath}"]
            {specExtra}
            {statusYaml}
            """);
        return path;
    }

    /// <summary>The Repository's <c>spec.backend</c> body (YAML at four spaces); a local one by default.</summary>
    private string _backend = "";

    private async Task<CliResult> Restore(string session, IReadOnlyDictionary<string, string>? environment, params string[] extra)
    {
        var repository = Path.Combine(_dir, "repo.yaml");
        var backend = _backend.Length > 0 ? _backend : $"    local:\n      mountPath: {Path.Combine(_dir, "restic-repo")}\n";
        File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: repo, namespace: demo}}\nspec:\n  backend:\n{backend}");
        var secret = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), Password);
        File.WriteAllText(Path.Combine(secret, "B2_ACCOUNT_ID"), "b2-account");
        File.WriteAllText(Path.Combine(secret, "B2_ACCOUNT_KEY"), "b2-key-secret");
        return await CliHarness.RunAsync(environment,
        [
            "restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
            "--target-dir", Path.Combine(_dir, "target"), "--scratch-dir", Path.Combine(_dir, "scratch"),
            "--status-file", StatusPath, "--log-format", "text", .. extra,
        ]);
    }

    private string StatusPath => Path.Combine(_dir, "status.json");

    private JsonNode HostEntry() => JsonNode.Parse(File.ReadAllText(StatusPath))!["stats"]!.AsArray().Single()!;

    private static List<string> DryRunArgv(CliResult result)
    {
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var call = JsonNode.Parse(result.Output)!["resticCalls"]!.AsArray().Single()!;
        return call["argv"]!.AsArray().Select(a => (string)a!).ToList();
    }

    [Fact]
    public async Task Verify_flag_makes_restic_verify_the_restored_files()
    {
        var plain = DryRunArgv(await Restore(SessionFile(), null, "--dry-run", "--output", "json"));
        var verified = DryRunArgv(await Restore(SessionFile(), null, "--dry-run", "--output", "json", "--verify"));

        Assert.DoesNotContain("--verify", plain);
        Assert.Contains("--verify", verified);
        Assert.True(verified.IndexOf("--verify") > verified.IndexOf("restore"), string.Join(' ', verified));
    }

    [Fact]
    public async Task Session_that_disables_caching_gets_no_restic_cache()
    {
        var cached = DryRunArgv(await Restore(SessionFile(), null, "--dry-run", "--output", "json"));
        var uncached = DryRunArgv(await Restore(SessionFile("  tempDir:\n    disableCaching: true"), null, "--dry-run", "--output", "json"));

        Assert.Equal(Path.Combine(_dir, "scratch", "restic-cache"), cached[cached.IndexOf("--cache-dir") + 1]);
        Assert.DoesNotContain("--no-cache", cached);
        Assert.Contains("--no-cache", uncached);
        Assert.DoesNotContain("--cache-dir", uncached);
    }

    /// <summary>restic 0.18's --json shapes for a restore whose files landed but whose owners could not be set.</summary>
    private FakeRestic ResticWithOwnershipErrors() => FakeRestic.Create(_dir,
        [
            $$"""{"message_type":"error","error":{"message":"lchown {{DataPath}}/db.json: operation not permitted"},"during":"restore","item":"{{DataPath}}/db.json"}""",
            """{"message_type":"summary","seconds_elapsed":0,"total_files":2,"files_restored":2,"files_skipped":0,"total_bytes":10,"bytes_restored":10,"bytes_skipped":0}""",
        ],
        ["""{"message_type":"exit_error","code":1,"message":"There were 1 errors"}"""],
        exitCode: 1);

    [Fact]
    public async Task Ownership_errors_are_warnings_by_default_and_fail_the_host_with_fail_on_metadata_errors()
    {
        var restic = ResticWithOwnershipErrors();

        var lenient = await Restore(SessionFile(), restic.Environment, "--host", "host-0");
        Assert.True(lenient.ExitCode == ExitCodes.Success, lenient.ToString());
        Assert.Equal("Succeeded", (string?)HostEntry()["phase"]);
        Assert.Contains("could not restore ownership/permissions", lenient.Error);

        File.Delete(StatusPath);
        var strict = await Restore(SessionFile(), restic.Environment, "--host", "host-0", "--fail-on-metadata-errors");
        Assert.True(strict.ExitCode == ExitCodes.RestoreFailed, strict.ToString());
        var entry = HostEntry();
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.EndsWith("1 ownership/permission error(s)", (string?)entry["error"], StringComparison.Ordinal);
        Assert.Equal(2, restic.Calls().Count);
    }

    [Fact]
    public async Task Spec_timeOut_stops_a_restore_that_runs_past_it_and_fails_the_host()
    {
        var restic = FakeRestic.Create(_dir, [], [], exitCode: 0, sleepSeconds: 20);

        var started = DateTimeOffset.UtcNow;
        var result = await Restore(SessionFile("  timeOut: 2s"), restic.Environment, "--host", "host-0");
        var took = DateTimeOffset.UtcNow - started;

        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        var entry = HostEntry();
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.Contains("deadline exceeded; restic was stopped", (string?)entry["error"], StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(15), $"took {took}");
        Assert.Single(restic.Calls());
    }

    [Fact]
    public async Task Status_sessionDeadline_stops_a_restore_that_runs_past_it_and_fails_the_host()
    {
        var restic = FakeRestic.Create(_dir, [], [], exitCode: 0, sleepSeconds: 20);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(3).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        var started = DateTimeOffset.UtcNow;
        var result = await Restore(SessionFile(statusYaml: $"status:\n  sessionDeadline: \"{deadline}\""), restic.Environment, "--host", "host-0");
        var took = DateTimeOffset.UtcNow - started;

        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        Assert.Contains("deadline exceeded; restic was stopped", (string?)HostEntry()["error"], StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(15), $"took {took}");
    }

    [Fact]
    public async Task A_password_restic_echoes_is_masked_in_output_log_and_status()
    {
        // restic prints the repository URL with the password in it (as it does for rest: URLs with userinfo).
        var restic = FakeRestic.Create(_dir, [],
            [
                $"{DataPath}: reading with password {Password}",
                $$"""{"message_type":"exit_error","code":1,"message":"unable to open repository at rest:http://user:{{Password}}@127.0.0.1:1/: connection refused"}""",
            ],
            exitCode: 1);

        var result = await Restore(SessionFile(), restic.Environment, "--host", "host-0");

        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        var status = File.ReadAllText(StatusPath);
        Assert.Contains("rest:http://user:***@127.0.0.1:1/", status, StringComparison.Ordinal);
        Assert.Contains("user:***@127.0.0.1", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Output + result.Error + status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_cache_false_gives_restic_no_cache()
    {
        var cached = DryRunArgv(await Restore(SessionFile(), null, "--dry-run", "--output", "json", "--enable-cache=true"));
        var uncached = DryRunArgv(await Restore(SessionFile(), null, "--dry-run", "--output", "json", "--enable-cache=false"));

        Assert.Contains("--cache-dir", cached);
        Assert.Contains("--no-cache", uncached);
        Assert.DoesNotContain("--cache-dir", uncached);
    }

    [Fact]
    public async Task Max_connections_flag_overrides_the_repositorys_b2_maxConnections()
    {
        _backend = "    b2:\n      bucket: backups\n      prefix: demo/app\n      maxConnections: 3\n    storageSecretName: b2-secret\n";

        // The plan alone: the target preview would have restic open Backblaze's servers (traffic never leaves 127.0.0.1).
        var fromRepository = DryRunArgv(await Restore(SessionFile(), null, "--dry-run", "--preview=false", "--output", "json"));
        var fromFlag = DryRunArgv(await Restore(SessionFile(), null, "--dry-run", "--preview=false", "--output", "json", "--max-connections", "7"));

        Assert.Equal("b2.connections=3", fromRepository[fromRepository.IndexOf("-o") + 1]);
        Assert.Equal("b2.connections=7", fromFlag[fromFlag.IndexOf("-o") + 1]);
        Assert.DoesNotContain("b2.connections=3", fromFlag);
    }

    [Theory]
    [InlineData("swift:\n      container: backups\n      prefix: demo/app\n", "swift:backups:/demo/app")]
    [InlineData("b2:\n      bucket: backups\n      prefix: /demo/app/\n", "b2:backups:/demo/app")]
    [InlineData("local:\n      mountPath: /mnt/backups/\n      subPath: demo/app\n", "/mnt/backups/demo/app")]
    public async Task Backend_prefix_and_subPath_reach_restic_as_RESTIC_REPOSITORY(string backend, string expected)
    {
        _backend = "    " + backend + "    storageSecretName: repo-secret\n";
        var restic = FakeRestic.Create(_dir, [], [], exitCode: 0);

        var result = await Restore(SessionFile(), restic.Environment, "--host", "host-0");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal([expected], restic.Repositories());
    }

    private const string EchoHook = """
          hooks:
            preRestore:
              containerName: app-side
              exec:
                command: ["echo", "pre-hook-says-hello"]
        """;

    [Fact]
    public async Task Own_container_flag_runs_that_containers_hook_locally()
    {
        var restic = FakeRestic.Create(_dir, [], [], exitCode: 0);

        var result = await Restore(SessionFile(EchoHook), restic.Environment, "--host", "host-0", "--own-container", "app-side");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("Succeeded", (string?)HostEntry()["phase"]);
        Assert.Single(restic.Calls());
    }

    [Theory]
    [InlineData("--log-level", "debug")]
    [InlineData("--v", "3")]
    public async Task Log_level_debug_and_klog_v3_show_debug_lines_that_info_hides(string flag, string value)
    {
        var restic = FakeRestic.Create(_dir, [], [], exitCode: 0);

        // Each run starts without a status file: a host already Succeeded would be skipped, hook and all.
        var info = await Restore(SessionFile(EchoHook), restic.Environment, "--host", "host-0", "--own-container", "app-side");
        File.Delete(StatusPath);
        var debug = await Restore(SessionFile(EchoHook), restic.Environment, "--host", "host-0", "--own-container", "app-side", flag, value);

        Assert.True(info.ExitCode == ExitCodes.Success, info.ToString());
        Assert.True(debug.ExitCode == ExitCodes.Success, debug.ToString());
        Assert.Equal(2, restic.Calls().Count);
        Assert.DoesNotContain("hook stdout: pre-hook-says-hello", info.Error, StringComparison.Ordinal);
        Assert.Contains("hook stdout: pre-hook-says-hello", debug.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hook_timeout_flag_stops_a_slow_pre_hook_and_restic_never_runs()
    {
        var restic = FakeRestic.Create(_dir, [], [], exitCode: 0);
        const string slowHook = """
              hooks:
                preRestore:
                  exec:
                    command: ["sleep", "20"]
            """;

        var started = DateTimeOffset.UtcNow;
        var result = await Restore(SessionFile(slowHook), restic.Environment, "--host", "host-0", "--hook-timeout", "00:00:01");
        var took = DateTimeOffset.UtcNow - started;

        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        Assert.Equal("Failed", (string?)HostEntry()["phase"]);
        Assert.True(took < TimeSpan.FromSeconds(15), $"took {took}");
        Assert.Empty(restic.Calls());
    }
}
