using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

/// <summary>
/// <c>stash-restore restore --objects …</c> restoring one component of a KubeStash Snapshot, end to end in-process
/// with real restic: restored bytes, the status file's <c>components</c> entries, exit codes and messages.
/// </summary>
public sealed class KubeStashComponentRestoreTests : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private readonly KubeStashStatefulSetBackups _backups;
    private readonly WorkDirectory _work = new("kubestash-cli-");
    private readonly KubeStashOfflineRun _run;

    public KubeStashComponentRestoreTests(KubeStashStatefulSetBackups backups)
    {
        _backups = backups;
        _run = new KubeStashOfflineRun(backups, _work);
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task A_StatefulSet_session_restores_each_pods_own_bytes_from_the_latest_Succeeded_Snapshot_into_one_status_file()
    {
        var session = _run.SessionFile("    repository: sts-repo\n    snapshot: latest");
        var objects = _run.Objects();
        var statusFile = Path.Combine(_work.Path, "status.json");
        for (var pod = 0; pod < 3; pod++)
        {
            var target = Path.Combine(_work.Path, $"target-{pod}");
            var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = $"dump-pod-{pod}" },
                "restore", "--objects", objects, "--objects", session, "--target-dir", target, "--status-file", statusFile,
                "--scratch-dir", Path.Combine(_work.Path, "scratch"));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("sts-repo-sts-backup-2", result.Error, StringComparison.Ordinal);
            TestTree.AssertEqual(_backups.Expected[("v2", pod, "data")], target + _backups.SourcePath(pod, "data"));
            TestTree.AssertEqual(_backups.Expected[("v2", pod, "config")], target + _backups.SourcePath(pod, "config"));
            Assert.Equal([$"pod-{pod}"], Directory.GetDirectories(target + Path.Combine(_backups.Repositories.Root, "src")).Select(Path.GetFileName));
            Assert.DoesNotContain(_backups.Repositories.Password, result.Output + result.Error, StringComparison.Ordinal);
        }

        var status = KubeStashOfflineRun.Status(statusFile);
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
    public async Task A_component_the_Snapshot_lacks_is_recorded_Failed_with_the_exact_message_and_exit_1()
    {
        var statusFile = Path.Combine(_work.Path, "status.json");
        var result = await CliHarness.RunAsync(
            "restore", "--objects", _run.Objects(), "--objects", _run.SessionFile("    repository: sts-repo\n    snapshot: latest"),
            "--component", "dump-pod-3", "--status-file", statusFile, "--target-dir", Path.Combine(_work.Path, "t"));

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var entry = KubeStashOfflineRun.Status(statusFile)["components"]!["dump-pod-3"]!;
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.Equal("component \"dump-pod-3\" not found in snapshot \"sts-repo-sts-backup-2\" (it has: dump-pod-0, dump-pod-1, dump-pod-2)", (string?)entry["error"]);
    }

    [Fact]
    public async Task A_wrong_encryption_password_fails_the_component_without_showing_the_password()
    {
        const string wrong = "not-the-password-Qx9!";
        var objects = _backups.ObjectsJson.Replace(
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_backups.Repositories.Password)),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(wrong)), StringComparison.Ordinal);
        var statusFile = Path.Combine(_work.Path, "status.json");

        var result = await CliHarness.RunAsync(
            "restore", "--objects", _run.Objects(objects), "--objects", _run.SessionFile("    snapshot: sts-repo-sts-backup-2"),
            "--component", "dump-pod-0", "--status-file", statusFile, "--target-dir", Path.Combine(_work.Path, "t"));

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var entry = KubeStashOfflineRun.Status(statusFile)["components"]!["dump-pod-0"]!;
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.Contains("password", (string?)entry["error"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(wrong, result.Output + result.Error + File.ReadAllText(statusFile), StringComparison.Ordinal);
    }
}
