using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

/// <summary>
/// The KubeStash objects an offline restore reads from its <c>--objects</c> files: one it lacks is named, and nothing is written.
/// </summary>
public sealed class KubeStashFileObjectsTests : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private readonly KubeStashStatefulSetBackups _backups;
    private readonly WorkDirectory _work = new("kubestash-cli-");
    private readonly KubeStashOfflineRun _run;

    public KubeStashFileObjectsTests(KubeStashStatefulSetBackups backups)
    {
        _backups = backups;
        _run = new KubeStashOfflineRun(backups, _work);
    }

    public void Dispose() => _work.Dispose();

    [Theory]
    [InlineData("BackupStorage", "BackupStorage demo/local-storage")]
    [InlineData("Secret", "Secret demo/encrypt-secret")]
    public async Task A_missing_BackupStorage_or_Secret_is_exit_3_naming_it_and_nothing_is_written(string kind, string named)
    {
        var list = (JsonObject)JsonNode.Parse(_backups.ObjectsJson)!;
        var items = (JsonArray)list["items"]!;
        items.Remove(items.First(i => (string?)i!["kind"] == kind));
        var statusFile = Path.Combine(_work.Path, "status.json");

        var result = await CliHarness.RunAsync(
            "restore", "--objects", _run.Objects(list.ToJsonString()), "--objects", _run.SessionFile("    snapshot: sts-repo-sts-backup-2"),
            "--component", "dump-pod-0", "--status-file", statusFile, "--target-dir", Path.Combine(_work.Path, "t"));

        Assert.Equal(ExitCodes.DependencyUnavailable, result.ExitCode);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(statusFile));
    }
}
