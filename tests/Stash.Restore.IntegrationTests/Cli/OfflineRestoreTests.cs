using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>One repository for the whole class: host-0..host-2 of a StatefulSet backed up from one absolute path.</summary>
public sealed class BackedUpHostsFixture : IAsyncLifetime
{
    internal TestRepository Repo { get; private set; } = null!;
    internal string Sources { get; private set; } = null!;
    internal string DataPath { get; private set; } = null!;
    internal Dictionary<string, TestSnapshot> Latest { get; } = [];

    public async Task InitializeAsync()
    {
        Repo = await TestRepository.CreateAsync();
        Sources = Repo.CreateDirectory("sources");
        // One absolute path, backed up as host-0..host-2 (as a StatefulSet's pods would), each with its own data.
        DataPath = Path.Combine(Repo.Root, "data");
        var t0 = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 3; i++)
        {
            var host = $"host-{i}";
            if (Directory.Exists(DataPath))
                Directory.Delete(DataPath, recursive: true);
            TestTree.At(DataPath).Mixed(host).File("db.json", $"{{\"host\":\"{host}\"}}");
            var copy = System.Diagnostics.Process.Start("cp", ["-a", DataPath, Path.Combine(Sources, host)])!;
            await copy.WaitForExitAsync();
            Latest[host] = await Repo.BackupAsync(host, t0.AddHours(i), DataPath);
        }
        // An older snapshot of host-1 with other content must not be picked by "latest".
        TestTree.At(DataPath).File("db.json", "stale");
        await Repo.BackupAsync("host-1", t0.AddDays(-3), DataPath);
        Directory.Delete(DataPath, recursive: true);
    }

    public Task DisposeAsync()
    {
        Repo.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The executor end to end, offline, with real restic: the user-visible contract of
/// <c>stash-restore restore --restoresession-file …</c> — restored bytes, status file, exit codes, messages.
/// </summary>
public sealed class OfflineRestoreTests(BackedUpHostsFixture hosts) : IClassFixture<BackedUpHostsFixture>
{
    private readonly TestRepository _repo = hosts.Repo;
    private readonly string _sources = hosts.Sources;
    private readonly string _dataPath = hosts.DataPath;
    private readonly Dictionary<string, TestSnapshot> _latest = hosts.Latest;

    private string SessionFile(string rulesYaml, string name = "rs.yaml")
    {
        var path = Path.Combine(_repo.Root, name);
        File.WriteAllText(path, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata:
              name: sts-restore
              namespace: demo
            spec:
              repository:
                name: test-repo
              target:
                ref:
                  apiVersion: apps/v1
                  kind: StatefulSet
                  name: db
              rules:
            {rulesYaml}
            """);
        return path;
    }

    private string RepositoryFile()
    {
        var path = Path.Combine(_repo.Root, "repo.yaml");
        File.WriteAllText(path, $"""
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {"{"}name: test-repo, namespace: demo{"}"}
            spec:
              backend:
                local:
                  mountPath: {_repo.RepositoryPath}
                storageSecretName: repo-secret
            """);
        return path;
    }

    private string SecretDir(string? password = null)
    {
        var dir = Path.Combine(_repo.Root, password is null ? "secret" : "secret-other");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "RESTIC_PASSWORD"), password ?? _repo.Password);
        return dir;
    }

    private string StandardRules() => $"""
          - targetHosts: ["host-3", "host-4"]
            sourceHost: host-1
            paths: ["{_dataPath}"]
          - targetHosts: []
            paths: ["{_dataPath}"]
            exclude: ["{_dataPath}/logs"]
          runtimeSettings:
            container:
              nice:
                adjustment: 5
              ionice:
                class: 2
                classData: 4
        """;

    private Task<CliResult> Restore(string sessionFile, string host, string target, string status, params string[] extra) =>
        CliHarness.RunAsync([
            "restore", "--restoresession-file", sessionFile, "--repository-file", RepositoryFile(), "--secret-dir", SecretDir(),
            "--host", host, "--target-dir", target, "--scratch-dir", Path.Combine(_repo.Root, "scratch"), "--status-file", status,
            "--log-format", "text", .. extra]);

    private string Restored(string target) => Path.Combine(target, _dataPath.TrimStart('/'));

    [Fact]
    public async Task Host_3_receives_host_1s_latest_data_identical_file_by_file()
    {
        var target = Path.Combine(_repo.Root, "restored-3");
        var status = Path.Combine(_repo.Root, "status-host-3.json");
        var result = await Restore(SessionFile(StandardRules()), "host-3", target, status);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(Path.Combine(_sources, "host-1"), Restored(target));
        var entry = JsonNode.Parse(File.ReadAllText(status))!["stats"]!.AsArray().Single()!;
        Assert.Equal("host-3", (string?)entry["hostname"]);
        Assert.Equal("Succeeded", (string?)entry["phase"]);
        Assert.Matches(@"^[0-9.]+(ms|s)$", (string?)entry["duration"]);
    }

    [Fact]
    public async Task Catch_all_rule_restores_the_hosts_own_data_without_excluded_files()
    {
        var target = Path.Combine(_repo.Root, "restored-2");
        var result = await Restore(SessionFile(StandardRules()), "host-2", target, Path.Combine(_repo.Root, "status-host-2.json"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("{\"host\":\"host-2\"}", File.ReadAllText(Path.Combine(Restored(target), "db.json")));
        Assert.False(Directory.Exists(Path.Combine(Restored(target), "logs")), "excluded logs/ was restored");
        Assert.True(File.Exists(Path.Combine(Restored(target), "données/été-日本語.txt")));
    }

    [Fact]
    public async Task Include_restores_only_matching_files()
    {
        var rules = $"""
              - paths: ["{_dataPath}"]
                include: ["{_dataPath}/db.json"]
            """;
        var target = Path.Combine(_repo.Root, "restored-include");
        var result = await Restore(SessionFile(rules), "host-0", target, Path.Combine(_repo.Root, "status-include.json"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(["db.json"], Directory.EnumerateFiles(Restored(target), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Restored(target), f)));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("long")]
    [InlineData("stash")]
    public async Task Snapshots_by_short_id_long_id_or_stash_snapshot_name(string form)
    {
        var snapshot = _latest["host-0"];
        var id = form switch { "short" => snapshot.ShortId, "long" => snapshot.Id, _ => $"test-repo-{snapshot.ShortId}" };
        var target = Path.Combine(_repo.Root, $"restored-{form}");
        var result = await Restore(SessionFile($"""
              - snapshots: ["{id}"]
            """), "host-5", target, Path.Combine(_repo.Root, $"status-{form}.json"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(Path.Combine(_sources, "host-0"), Restored(target));
    }

    [Fact]
    public async Task Wrong_password_exits_1_with_a_one_line_error_in_status_and_no_secret_anywhere()
    {
        const string wrong = "not-the-password-123";
        var status = Path.Combine(_repo.Root, "status-wrong.json");
        // The wrong password is also part of the rule's path, so the path restic is asked for (logged, and named in the
        // error) really carries the secret: the "no secret anywhere" assertion below can fail.
        var session = SessionFile($"""
              - paths: ["{_dataPath}-{wrong}"]
            """, "rs-wrong.yaml");
        var result = await CliHarness.RunAsync([
            "restore", "--restoresession-file", session, "--repository-file", RepositoryFile(),
            "--secret-dir", SecretDir(wrong), "--host", "host-0", "--target-dir", Path.Combine(_repo.Root, "t"),
            "--scratch-dir", Path.Combine(_repo.Root, "scratch"), "--status-file", status]);

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var entry = JsonNode.Parse(File.ReadAllText(status))!["stats"]!.AsArray().Single()!;
        Assert.Equal("Failed", (string?)entry["phase"]);
        var error = (string)entry["error"]!;
        Assert.Contains("password", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', error);
        Assert.Contains($"{_dataPath}-***", error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, result.Output + result.Error + File.ReadAllText(status));
    }

    [Fact]
    public async Task No_snapshot_for_the_host_names_the_filters_and_lists_what_exists()
    {
        var status = Path.Combine(_repo.Root, "status-none.json");
        var result = await Restore(SessionFile($"""
              - paths: ["{_dataPath}"]
            """), "host-7", Path.Combine(_repo.Root, "t7"), status);

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var error = (string)JsonNode.Parse(File.ReadAllText(status))!["stats"]![0]!["error"]!;
        Assert.Contains("host-7", error);
        Assert.Contains(_dataPath, error);
        Assert.Contains(_latest["host-0"].ShortId, error);
        Assert.Contains("host-2", error);
    }

    [Fact]
    public async Task Invalid_session_exits_2_and_writes_nothing_anywhere()
    {
        var status = Path.Combine(_repo.Root, "status-invalid.json");
        var target = Path.Combine(_repo.Root, "t-invalid");
        var result = await Restore(SessionFile("""
              - paths: ["relative/path"]
              - paths: ["/a"]
                snapshots: ["abc12345"]
            """), "host-0", target, status);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("spec.rules[0].paths[0]", result.Error);
        Assert.Contains("spec.rules[1]: sets both snapshots and paths", result.Error);
        Assert.False(File.Exists(status));
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Dry_run_prints_host_rule_and_masked_argv_and_restores_nothing()
    {
        var status = Path.Combine(_repo.Root, "status-dry.json");
        var target = Path.Combine(_repo.Root, "t-dry");
        var text = await Restore(SessionFile(StandardRules()), "host-4", target, status, "--dry-run");
        var json = await Restore(SessionFile(StandardRules()), "host-4", target, status, "--dry-run", "--output", "json");

        Assert.Equal(ExitCodes.Success, text.ExitCode);
        Assert.Contains("host:            host-4", text.Output);
        Assert.Contains("spec.rules[0] (source host host-1)", text.Output);
        Assert.Contains("--host host-1", text.Output);
        Assert.Contains("argv: nice -n 5 ionice -t -c 2 -n 4 ", text.Output);
        Assert.Contains("env:  RESTIC_PASSWORD RESTIC_PROGRESS_FPS RESTIC_REPOSITORY TMPDIR", text.Output);
        // A rule path that contains the password: the printed argv really carries the secret and must show it masked.
        var echoed = await Restore(SessionFile($"""
              - paths: ["{_dataPath}/{_repo.Password}"]
            """, "rs-echo.yaml"), "host-4", target, status, "--dry-run");
        Assert.Equal(ExitCodes.Success, echoed.ExitCode);
        Assert.Contains($"--path {_dataPath}/***", echoed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_repo.Password, text.Output + text.Error + json.Output + json.Error + echoed.Output + echoed.Error);
        var plan = JsonNode.Parse(json.Output)!;
        Assert.Equal("host-4", (string?)plan["hostname"]);
        Assert.Equal(0, (int?)plan["ruleIndex"]);
        var argv = plan["resticCalls"]![0]!["argv"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("restore", argv);
        Assert.Equal(target, argv[argv.IndexOf("--target") + 1]);
        Assert.False(File.Exists(status));
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Stash_priority_environment_wins_over_the_sessions_runtime_settings()
    {
        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["NICE_ADJUSTMENT"] = "7", ["IONICE_CLASS"] = "3" },
            "restore", "--restoresession-file", SessionFile(StandardRules()), "--repository-file", RepositoryFile(), "--secret-dir", SecretDir(),
            "--host", "host-0", "--target-dir", Path.Combine(_repo.Root, "t-env"), "--dry-run");
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("argv: nice -n 7 ionice -t -c 3 ", result.Output);

        var bad = await CliHarness.RunAsync(new Dictionary<string, string> { ["NICE_ADJUSTMENT"] = "high" },
            "restore", "--restoresession-file", SessionFile(StandardRules()), "--repository-file", RepositoryFile(), "--secret-dir", SecretDir(),
            "--host", "host-0", "--target-dir", Path.Combine(_repo.Root, "t-env"), "--dry-run", "--log-format", "text");
        Assert.Equal(ExitCodes.InvalidInput, bad.ExitCode);
        Assert.Contains("NICE_ADJUSTMENT=\"high\" is not a whole number", bad.Error);
    }

    [Fact]
    public async Task Restic_missing_exits_3()
    {
        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["PATH"] = "/nonexistent" },
            "restore", "--restoresession-file", SessionFile(StandardRules()), "--repository-file", RepositoryFile(), "--secret-dir", SecretDir(),
            "--host", "host-0", "--target-dir", Path.Combine(_repo.Root, "t-missing"), "--status-file", Path.Combine(_repo.Root, "s-missing.json"));
        Assert.Equal(ExitCodes.DependencyUnavailable, result.ExitCode);
        Assert.Contains("restic not found", result.Error);
    }
}
