using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>
/// The offline restores that matter, with Debian 12's restic 0.14 found first on PATH: no
/// <c>restore --json</c> (files and bytes are counted from the snapshot listing) and no
/// <c>--overwrite</c> (a retry restores everything again, and the log says so).
/// </summary>
public sealed class Restic014Tests(BackedUpHostsFixture hosts) : IClassFixture<BackedUpHostsFixture>
{
    private static readonly Dictionary<string, string> Restic014 = new() { ["PATH"] = TestTools.PathWithRestic014() };

    private string Root => hosts.Repo.Root;

    private string SessionFile(string rulesYaml, string name)
    {
        var path = Path.Combine(Root, $"r014-{name}.yaml");
        File.WriteAllText(path, StashRestoreSessions.StatefulSetDb($"  rules:\n{rulesYaml}"));
        return path;
    }

    private string RepositoryFile()
    {
        var path = Path.Combine(Root, "r014-repo.yaml");
        File.WriteAllText(path, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: test-repo, namespace: demo}}\nspec:\n  backend:\n    local:\n      mountPath: {hosts.Repo.RepositoryPath}\n");
        return path;
    }

    private string SecretDir(string password)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, $"r014-secret-{password.Length}")).FullName;
        File.WriteAllText(Path.Combine(dir, "RESTIC_PASSWORD"), password);
        return dir;
    }

    private async Task<(CliResult Result, string Target, string Status)> Restore(string rulesYaml, string name, string host, string? password = null)
    {
        var target = Path.Combine(Root, $"r014-target-{name}");
        var status = Path.Combine(Root, $"r014-status-{name}.json");
        var result = await CliHarness.RunAsync(Restic014,
            "restore", "--restoresession-file", SessionFile(rulesYaml, name), "--repository-file", RepositoryFile(),
            "--secret-dir", SecretDir(password ?? hosts.Repo.Password), "--host", host, "--target-dir", target,
            "--scratch-dir", Path.Combine(Root, "r014-scratch"), "--status-file", status, "--log-format", "text");
        return (result, target, status);
    }

    private string Restored(string target) => Path.Combine(target, hosts.DataPath.TrimStart('/'));

    private static void AssertSucceeded(CliResult result, string status)
    {
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("restic 0.14.0", result.Error, StringComparison.Ordinal);
        Assert.Equal("Succeeded", (string?)JsonNode.Parse(File.ReadAllText(status))!["stats"]![0]!["phase"]);
    }

    [RequiresToolFact(TestTool.Restic014)]
    public async Task Rule_for_the_host_restores_its_source_hosts_latest_data_and_counts_files_and_bytes()
    {
        var (result, target, status) = await Restore($"""
              - targetHosts: ["host-3"]
                sourceHost: host-1
                paths: ["{hosts.DataPath}"]
              - paths: ["/never/used"]
            """, "rule", "host-3");

        AssertSucceeded(result, status);
        TestTree.AssertEqual(Path.Combine(hosts.Sources, "host-1"), Restored(target));
        // Files (and symlinks) apart from directories (the path's parents are restored too), bytes of files — as for restic 0.18.
        var tree = TestTree.Read(Path.Combine(hosts.Sources, "host-1"));
        var files = tree.Values.Count(e => e.Kind != "dir");
        var directories = tree.Values.Count(e => e.Kind == "dir") + hosts.DataPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        var bytes = tree.Values.Where(e => e.Kind == "file").Sum(e => e.Size);
        Assert.Matches(@"by spec\.(target\.)?rules\[0\] from source host ""host-1""", result.Error);
        Assert.Contains($": {files} file(s), {bytes} byte(s) restored, 0 unchanged file(s) skipped, {directories} dir(s)", result.Error, StringComparison.Ordinal);
    }

    [RequiresToolFact(TestTool.Restic014)]
    public async Task Exclude_and_include_are_applied_and_only_what_was_restored_is_counted()
    {
        var (excluded, excludedTarget, excludedStatus) = await Restore($"""
              - paths: ["{hosts.DataPath}"]
                exclude: ["{hosts.DataPath}/logs", "{hosts.DataPath}/blobs"]
            """, "exclude", "host-2");
        var (included, includedTarget, includedStatus) = await Restore($"""
              - paths: ["{hosts.DataPath}"]
                include: ["{hosts.DataPath}/db.json"]
            """, "include", "host-0");

        AssertSucceeded(excluded, excludedStatus);
        Assert.Equal("{\"host\":\"host-2\"}", File.ReadAllText(Path.Combine(Restored(excludedTarget), "db.json")));
        Assert.False(Directory.Exists(Path.Combine(Restored(excludedTarget), "logs")), "excluded logs/ was restored");
        Assert.False(Directory.Exists(Path.Combine(Restored(excludedTarget), "blobs")), "excluded blobs/ was restored");
        var tree = TestTree.Read(Path.Combine(hosts.Sources, "host-2"));
        var bytes = tree.Where(e => e.Value.Kind == "file" && !e.Key.StartsWith("logs/", StringComparison.Ordinal) && !e.Key.StartsWith("blobs/", StringComparison.Ordinal)).Sum(e => e.Value.Size);
        Assert.Contains($" {bytes} byte(s) restored", excluded.Error, StringComparison.Ordinal);

        AssertSucceeded(included, includedStatus);
        Assert.Equal(["db.json"], Directory.EnumerateFiles(Restored(includedTarget), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Restored(includedTarget), f)));
        var dbSize = new FileInfo(Path.Combine(hosts.Sources, "host-0", "db.json")).Length;
        Assert.Contains($" {dbSize} byte(s) restored", included.Error, StringComparison.Ordinal);
    }

    [RequiresToolTheory(TestTool.Restic014)]
    [InlineData("short")]
    [InlineData("long")]
    [InlineData("stash")]
    public async Task Snapshots_by_short_id_long_id_or_stash_snapshot_name(string form)
    {
        var snapshot = hosts.Latest["host-0"];
        var id = form switch { "short" => snapshot.ShortId, "long" => snapshot.Id, _ => $"test-repo-{snapshot.ShortId}" };
        var (result, target, status) = await Restore($"""
              - snapshots: ["{id}"]
            """, $"snap-{form}", "host-5");

        AssertSucceeded(result, status);
        TestTree.AssertEqual(Path.Combine(hosts.Sources, "host-0"), Restored(target));
    }

    [RequiresToolFact(TestTool.Restic014)]
    public async Task Wrong_password_exits_1_with_a_one_line_error_and_no_secret_anywhere()
    {
        const string wrong = "not-the-password-014";
        var (result, _, status) = await Restore($"""
              - paths: ["{hosts.DataPath}"]
            """, "wrong", "host-0", wrong);

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var entry = JsonNode.Parse(File.ReadAllText(status))!["stats"]![0]!;
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.Contains("wrong password", (string)entry["error"]!, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', (string)entry["error"]!);
        Assert.DoesNotContain(wrong, result.Output + result.Error + File.ReadAllText(status), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restic_older_than_0_14_is_refused_with_exit_3()
    {
        // A stand-in that answers "restic version" as 0.13 would; no release older than 0.14 is installed to run for real.
        var bin = Directory.CreateDirectory(Path.Combine(Root, "r013-bin")).FullName;
        var fake = Path.Combine(bin, "restic");
        File.WriteAllText(fake, "#!/bin/sh\necho 'restic 0.13.1 compiled with go1.18 on linux/amd64'\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var status = Path.Combine(Root, "r013-status.json");

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" },
            "restore", "--restoresession-file", SessionFile($"""
              - paths: ["{hosts.DataPath}"]
            """, "old"), "--repository-file", RepositoryFile(), "--secret-dir", SecretDir(hosts.Repo.Password),
            "--host", "host-0", "--target-dir", Path.Combine(Root, "r013-target"), "--status-file", status);

        Assert.Equal(ExitCodes.DependencyUnavailable, result.ExitCode);
        Assert.Contains($"restic 0.13.1 at {fake} is too old: the oldest supported release is 0.14.0", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Root, "r013-target")));
    }
}
