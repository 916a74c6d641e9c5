using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

/// <summary>
/// <c>--dry-run</c> of a KubeStash restore: the plan printed, secrets masked, nothing written.
/// </summary>
public sealed class KubeStashDryRunTests : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private readonly KubeStashStatefulSetBackups _backups;
    private readonly WorkDirectory _work = new("kubestash-cli-");
    private readonly KubeStashOfflineRun _run;

    public KubeStashDryRunTests(KubeStashStatefulSetBackups backups)
    {
        _backups = backups;
        _run = new KubeStashOfflineRun(backups, _work);
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Dry_run_shows_component_Snapshot_restic_repository_and_argv_with_secrets_masked()
    {
        var result = await CliHarness.RunAsync(
            "restore", "--objects", _run.Objects(), "--objects", _run.SessionFile("    snapshot: sts-repo-sts-backup-1\n    components: [dump-pod-1]"),
            "--dry-run", "--target-dir", Path.Combine(_work.Path, "t"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Component:        dump-pod-1 (chosen by the only selected component)", result.Output, StringComparison.Ordinal);
        Assert.Contains("Snapshot demo/sts-repo-sts-backup-1", result.Output, StringComparison.Ordinal);
        Assert.Contains(_backups.Repositories.ComponentRepository("sts-backup-1", "dump-pod-1"), result.Output, StringComparison.Ordinal);
        Assert.Equal(2, result.Output.Split('\n').Count(l => l.Contains("argv:", StringComparison.Ordinal) && l.Contains(" restore ", StringComparison.Ordinal)));
        Assert.Contains("RESTIC_PASSWORD", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_backups.Repositories.Password, result.Output + result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work.Path, "t")));
    }
}
