using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Families.KubeStash;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// <c>stash-restore restore --objects …</c> for a KubeStash RestoreSession, end to end in-process with
/// real restic: restored bytes, the status file's <c>components</c> entries, exit codes and messages.
/// </summary>
public sealed class KubeStashOfflineRestoreTests(KubeStashStatefulSetBackups backups) : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private readonly WorkDirectory _work = new("kubestash-cli-");

    public void Dispose() => _work.Dispose();

    private string Objects(string? objectsJson = null)
    {
        var path = Path.Combine(_work.Path, "objects.json");
        File.WriteAllText(path, objectsJson ?? backups.ObjectsJson);
        return path;
    }

    /// <summary>The session, with an operator-written status the executor must leave alone.</summary>
    private string SessionFile(string dataSource, string taskParams = "")
    {
        var path = Path.Combine(_work.Path, "session.yaml");
        File.WriteAllText(path, KubeStashRestoreSessions.StatefulSet(dataSource, taskParams) + "\nstatus:\n  phase: Running\n  totalComponents: 3");
        return path;
    }

    private static JsonObject Status(string statusFile) => (JsonObject)JsonNode.Parse(File.ReadAllText(statusFile))!;

    [Fact]
    public async Task A_StatefulSet_session_restores_each_pods_own_bytes_from_the_latest_Succeeded_Snapshot_into_one_status_file()
    {
        var session = SessionFile("    repository: sts-repo\n    snapshot: latest");
        var objects = Objects();
        var statusFile = Path.Combine(_work.Path, "status.json");
        for (var pod = 0; pod < 3; pod++)
        {
            var target = Path.Combine(_work.Path, $"target-{pod}");
            var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = $"dump-pod-{pod}" },
                "restore", "--objects", objects, "--objects", session, "--target-dir", target, "--status-file", statusFile,
                "--scratch-dir", Path.Combine(_work.Path, "scratch"));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("sts-repo-sts-backup-2", result.Error, StringComparison.Ordinal);
            TestTree.AssertEqual(backups.Expected[("v2", pod, "data")], target + backups.SourcePath(pod, "data"));
            TestTree.AssertEqual(backups.Expected[("v2", pod, "config")], target + backups.SourcePath(pod, "config"));
            Assert.Equal([$"pod-{pod}"], Directory.GetDirectories(target + Path.Combine(backups.Repositories.Root, "src")).Select(Path.GetFileName));
            Assert.DoesNotContain(backups.Repositories.Password, result.Output + result.Error, StringComparison.Ordinal);
        }

        var status = Status(statusFile);
        // The operator's fields are untouched; each component has its own entry.
        Assert.Equal("Running", (string?)status["phase"]);
        Assert.Equal(3, (int?)status["totalComponents"]);
        var components = (JsonObject)status["components"]!;
        Assert.Equal(["dump-pod-0", "dump-pod-1", "dump-pod-2"], components.Select(c => c.Key).Order());
        foreach (var (_, entry) in components)
        {
            Assert.Equal("Succeeded", (string?)entry!["phase"]);
            Assert.Matches("^[0-9.]+(ms|s)$|^[0-9]+m", (string?)entry["duration"]);
            Assert.Null(entry["error"]);
        }
    }

    [Fact]
    public async Task The_KubeStash_Functions_exact_arguments_restore_a_named_Snapshot_with_exclude()
    {
        var objects = Objects();
        var session = SessionFile("    repository: sts-repo\n    snapshot: latest");
        var target = Path.Combine(_work.Path, "target");
        var scratch = Directory.CreateDirectory(Path.Combine(_work.Path, "kubestash-tmp")).FullName;

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = "dump-pod-2" },
            "restore", "--namespace=demo", "--restoresession=sts-restore", "--snapshot=sts-repo-sts-backup-1", "--enable-cache=true",
            $"--scratch-dir={scratch}", "--exclude=*.log,*.tmp", "--include=",
            "--objects", objects, "--objects", session, "--target-dir", target);

        Assert.True(result.ExitCode == 0, result.ToString());
        var restored = target + backups.SourcePath(2, "data");
        Assert.Equal(File.ReadAllText(Path.Combine(backups.Expected[("v1", 2, "data")], "app.db")), File.ReadAllText(Path.Combine(restored, "app.db")));
        Assert.False(File.Exists(Path.Combine(restored, "logs", "app.log")), "*.log was excluded");
        // The cache is under the scratch directory (--enable-cache=true).
        Assert.NotEmpty(Directory.GetFileSystemEntries(scratch, "*", SearchOption.AllDirectories));
        // Without --status-file the status is printed: this component Succeeded.
        var printed = (JsonObject)JsonNode.Parse(result.Output)!;
        Assert.Equal("Succeeded", (string?)printed["components"]!["dump-pod-2"]!["phase"]);
    }

    [Fact]
    public async Task A_component_the_Snapshot_lacks_is_recorded_Failed_with_the_exact_message_and_exit_1()
    {
        var statusFile = Path.Combine(_work.Path, "status.json");
        var result = await CliHarness.RunAsync(
            "restore", "--objects", Objects(), "--objects", SessionFile("    repository: sts-repo\n    snapshot: latest"),
            "--component", "dump-pod-3", "--status-file", statusFile, "--target-dir", Path.Combine(_work.Path, "t"));

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var entry = Status(statusFile)["components"]!["dump-pod-3"]!;
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.Equal("component \"dump-pod-3\" not found in snapshot \"sts-repo-sts-backup-2\" (it has: dump-pod-0, dump-pod-1, dump-pod-2)", (string?)entry["error"]);
    }

    [Fact]
    public async Task A_wrong_encryption_password_fails_the_component_without_showing_the_password()
    {
        const string wrong = "not-the-password-Qx9!";
        var objects = backups.ObjectsJson.Replace(
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(backups.Repositories.Password)),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(wrong)), StringComparison.Ordinal);
        var statusFile = Path.Combine(_work.Path, "status.json");

        var result = await CliHarness.RunAsync(
            "restore", "--objects", Objects(objects), "--objects", SessionFile("    snapshot: sts-repo-sts-backup-2"),
            "--component", "dump-pod-0", "--status-file", statusFile, "--target-dir", Path.Combine(_work.Path, "t"));

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var entry = Status(statusFile)["components"]!["dump-pod-0"]!;
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.Contains("password", (string?)entry["error"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(wrong, result.Output + result.Error + File.ReadAllText(statusFile), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BackupStorage", "BackupStorage demo/local-storage")]
    [InlineData("Secret", "Secret demo/encrypt-secret")]
    public async Task A_missing_BackupStorage_or_Secret_is_exit_3_naming_it_and_nothing_is_written(string kind, string named)
    {
        var list = (JsonObject)JsonNode.Parse(backups.ObjectsJson)!;
        var items = (JsonArray)list["items"]!;
        items.Remove(items.First(i => (string?)i!["kind"] == kind));
        var statusFile = Path.Combine(_work.Path, "status.json");

        var result = await CliHarness.RunAsync(
            "restore", "--objects", Objects(list.ToJsonString()), "--objects", SessionFile("    snapshot: sts-repo-sts-backup-2"),
            "--component", "dump-pod-0", "--status-file", statusFile, "--target-dir", Path.Combine(_work.Path, "t"));

        Assert.Equal(ExitCodes.DependencyUnavailable, result.ExitCode);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(statusFile));
    }

    [Fact]
    public async Task Dry_run_shows_component_Snapshot_restic_repository_and_argv_with_secrets_masked()
    {
        var result = await CliHarness.RunAsync(
            "restore", "--objects", Objects(), "--objects", SessionFile("    snapshot: sts-repo-sts-backup-1\n    components: [dump-pod-1]"),
            "--dry-run", "--target-dir", Path.Combine(_work.Path, "t"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Component:        dump-pod-1 (chosen by the only selected component)", result.Output, StringComparison.Ordinal);
        Assert.Contains("Snapshot demo/sts-repo-sts-backup-1", result.Output, StringComparison.Ordinal);
        Assert.Contains(backups.Repositories.ComponentRepository("sts-backup-1", "dump-pod-1"), result.Output, StringComparison.Ordinal);
        Assert.Equal(2, result.Output.Split('\n').Count(l => l.Contains("argv:", StringComparison.Ordinal) && l.Contains(" restore ", StringComparison.Ordinal)));
        Assert.Contains("RESTIC_PASSWORD", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(backups.Repositories.Password, result.Output + result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work.Path, "t")));
    }
    /// <summary>
    /// Two Succeeded Snapshots with the same <c>snapshotTime</c>: <c>latest</c> is the one whose name sorts
    /// last (ordinal), as the README says. The other one is listed first and holds other bytes.
    /// </summary>
    [Fact]
    public async Task Latest_between_two_Succeeded_Snapshots_of_the_same_time_is_the_later_name()
    {
        var list = (JsonObject)JsonNode.Parse(backups.ObjectsJson)!;
        var items = (JsonArray)list["items"]!;
        JsonNode Named(string name) => items.First(i => (string?)i!["metadata"]!["name"] == name)!;
        var second = Named("sts-repo-sts-backup-2");
        // sts-backup-1's data (v1), recorded as taken at the same time as sts-backup-2 (v2).
        var again = Named("sts-repo-sts-backup-1").DeepClone();
        again["metadata"]!["name"] = "sts-repo-sts-backup-1-again";
        again["status"]!["snapshotTime"] = second["status"]!["snapshotTime"]!.DeepClone();
        items.Insert(items.IndexOf(second), again);
        var target = Path.Combine(_work.Path, "target");

        var result = await CliHarness.RunAsync(
            "restore", "--objects", Objects(list.ToJsonString()), "--objects", SessionFile("    repository: sts-repo\n    snapshot: latest"),
            "--component", "dump-pod-0", "--target-dir", target, "--scratch-dir", Path.Combine(_work.Path, "scratch"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("sts-repo-sts-backup-2", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sts-repo-sts-backup-1-again", result.Error, StringComparison.Ordinal);
        TestTree.AssertEqual(backups.Expected[("v2", 0, "data")], target + backups.SourcePath(0, "data"));
    }
}
