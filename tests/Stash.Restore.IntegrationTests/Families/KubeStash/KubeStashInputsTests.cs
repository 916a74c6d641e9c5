using System.Text.Json.Nodes;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

/// <summary>
/// What a KubeStash restore reads before it restores: <c>latest</c> resolved among the Snapshots of the objects given.
/// </summary>
public sealed class KubeStashInputsTests : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private readonly KubeStashStatefulSetBackups _backups;
    private readonly WorkDirectory _work = new("kubestash-cli-");
    private readonly KubeStashOfflineRun _run;

    public KubeStashInputsTests(KubeStashStatefulSetBackups backups)
    {
        _backups = backups;
        _run = new KubeStashOfflineRun(backups, _work);
    }

    public void Dispose() => _work.Dispose();

    /// <summary>
    /// Two Succeeded Snapshots with the same <c>snapshotTime</c>: <c>latest</c> is the one whose name sorts
    /// last (ordinal), as the README says. The other one is listed first and holds other bytes.
    /// </summary>
    [Fact]
    public async Task Latest_between_two_Succeeded_Snapshots_of_the_same_time_is_the_later_name()
    {
        var list = (JsonObject)JsonNode.Parse(_backups.ObjectsJson)!;
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
            "restore", "--objects", _run.Objects(list.ToJsonString()), "--objects", _run.SessionFile("    repository: sts-repo\n    snapshot: latest"),
            "--component", "dump-pod-0", "--target-dir", target, "--scratch-dir", Path.Combine(_work.Path, "scratch"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("sts-repo-sts-backup-2", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sts-repo-sts-backup-1-again", result.Error, StringComparison.Ordinal);
        TestTree.AssertEqual(_backups.Expected[("v2", 0, "data")], target + _backups.SourcePath(0, "data"));
    }
}
