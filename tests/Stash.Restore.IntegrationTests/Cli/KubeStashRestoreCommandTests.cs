using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Families.KubeStash;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// <c>restore</c> for a KubeStash RestoreSession: the Functions' flags reaching the restore, the status printed
/// when no <c>--status-file</c> is given, and what the command needs before it reads the API.
/// </summary>
public sealed class KubeStashRestoreCommandTests : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private readonly KubeStashStatefulSetBackups _backups;
    private readonly WorkDirectory _work = new("kubestash-command-");
    private readonly KubeStashOfflineRun _run;

    public KubeStashRestoreCommandTests(KubeStashStatefulSetBackups backups)
    {
        _backups = backups;
        _run = new KubeStashOfflineRun(backups, _work);
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task The_KubeStash_Functions_exact_arguments_restore_a_named_Snapshot_with_exclude()
    {
        var objects = _run.Objects();
        var session = _run.SessionFile("    repository: sts-repo\n    snapshot: latest");
        var target = Path.Combine(_work.Path, "target");
        var scratch = Directory.CreateDirectory(Path.Combine(_work.Path, "kubestash-tmp")).FullName;

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = "dump-pod-2" },
            "restore", "--namespace=demo", "--restoresession=sts-restore", "--snapshot=sts-repo-sts-backup-1", "--enable-cache=true",
            $"--scratch-dir={scratch}", "--exclude=*.log,*.tmp", "--include=",
            "--objects", objects, "--objects", session, "--target-dir", target);

        Assert.True(result.ExitCode == 0, result.ToString());
        var restored = target + _backups.SourcePath(2, "data");
        Assert.Equal(File.ReadAllText(Path.Combine(_backups.Expected[("v1", 2, "data")], "app.db")), File.ReadAllText(Path.Combine(restored, "app.db")));
        Assert.False(File.Exists(Path.Combine(restored, "logs", "app.log")), "*.log was excluded");
        // The cache is under the scratch directory (--enable-cache=true).
        Assert.NotEmpty(Directory.GetFileSystemEntries(scratch, "*", SearchOption.AllDirectories));
        // Without --status-file the status is printed: this component Succeeded.
        var printed = (JsonObject)JsonNode.Parse(result.Output)!;
        Assert.Equal("Succeeded", (string?)printed["components"]!["dump-pod-2"]!["phase"]);
    }

    [Fact]
    public async Task A_cluster_run_chosen_by_snapshot_without_restoresession_is_exit_2_naming_the_flag_and_reads_nothing()
    {
        await using var server = await TestApiServer.TestApiServer.StartAsync();

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = "dump-pod-0" },
            "restore", "--snapshot=", "--namespace=demo", "--kubeconfig", server.WriteKubeconfig(Path.Combine(_work.Path, "kubeconfig")),
            "--target-dir", Path.Combine(_work.Path, "target"), "--scratch-dir", Path.Combine(_work.Path, "scratch"), "--log-format", "text");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("name the KubeStash RestoreSession: --restoresession NAME", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
