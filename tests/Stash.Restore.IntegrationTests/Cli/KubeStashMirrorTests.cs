using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Families.KubeStash;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// The preview and mirror mode for a KubeStash component: one <c>restic restore &lt;id&gt;</c> per resticStats
/// entry (<c>data</c>, then <c>config</c>: one snapshot each); mirror mode reads each snapshot's path from the
/// repository and keeps <c>--delete</c> inside it. Real restic, offline (<c>--objects</c>).
/// </summary>
public sealed class KubeStashMirrorTests(KubeStashStatefulSetBackups backups) : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private readonly WorkDirectory _work = new("kubestash-mirror-");

    public void Dispose() => _work.Dispose();

    private string Target => Path.Combine(_work.Path, "target");

    /// <summary>Everything but the input files (written anew by each <see cref="Args"/>).</summary>
    private List<string> Written() => [.. TargetPreviewTests.FullListing(_work.Path).Where(e => !e.StartsWith("inputs", StringComparison.Ordinal))];

    private string Data => Target + backups.SourcePath(0, "data");

    private string Config => Target + backups.SourcePath(0, "config");

    private string[] Args(bool mirror, params string[] extra)
    {
        var inputs = Directory.CreateDirectory(Path.Combine(_work.Path, "inputs")).FullName;
        var objects = Path.Combine(inputs, "objects.json");
        File.WriteAllText(objects, backups.ObjectsJson);
        var session = Path.Combine(inputs, "session.yaml");
        var yaml = KubeStashRestoreSessions.StatefulSet("    snapshot: sts-repo-sts-backup-2");
        if (mirror)
            yaml = yaml.Replace("  namespace: demo\nspec:", "  namespace: demo\n  annotations:\n    stash-restore/mirror: \"true\"\nspec:", StringComparison.Ordinal);
        File.WriteAllText(session, yaml);
        return ["restore", "--objects", objects, "--objects", session, "--component", "dump-pod-0", "--target-dir", Target,
            "--scratch-dir", Path.Combine(_work.Path, "scratch"), "--status-file", Path.Combine(_work.Path, "status.json"), .. extra];
    }

    /// <summary>A restored component, then data/app.db changed and a file added in data and in config, and one beside both.</summary>
    private async Task PrepareTargetAsync()
    {
        var first = await CliHarness.RunAsync(Args(mirror: false));
        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());
        File.Delete(Path.Combine(_work.Path, "status.json"));
        File.WriteAllText(Path.Combine(Data, "app.db"), "changed since\n");
        File.WriteAllText(Path.Combine(Data, "added.txt"), "added since\n");
        File.WriteAllText(Path.Combine(Config, "added.conf"), "added since\n");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(Data)!, "beside.txt"), "in pod-0, beside data and config\n");
    }

    [Fact]
    public async Task The_preview_counts_per_call_and_mirror_mode_previews_the_deletions_in_both_paths()
    {
        await PrepareTargetAsync();
        var before = Written();

        var plain = await CliHarness.RunAsync(Args(mirror: false, "--dry-run", "-o", "json"));
        var mirror = await CliHarness.RunAsync(Args(mirror: true, "--dry-run", "-o", "json"));

        Assert.True(plain.ExitCode == ExitCodes.Success, plain.ToString());
        Assert.True(mirror.ExitCode == ExitCodes.Success, mirror.ToString());
        // data: app.db changed, logs/app.log and blob.bin untouched; config: its 3 files untouched.
        var calls = JsonNode.Parse(plain.Output)!["resticCalls"]!.AsArray();
        var appDb = new FileInfo(Path.Combine(backups.Expected[("v2", 0, "data")], "app.db")).Length;
        Assert.Equal($$"""{"restored":0,"updated":1,"unchanged":2,"deleted":0,"bytes":{{appDb}}}""", calls[0]!["changes"]!.ToJsonString());
        Assert.Equal("""{"restored":0,"updated":0,"unchanged":3,"deleted":0,"bytes":0}""", calls[1]!["changes"]!.ToJsonString());
        var mirrored = JsonNode.Parse(mirror.Output)!["resticCalls"]!.AsArray();
        Assert.Equal($$"""{"restored":0,"updated":1,"unchanged":2,"deleted":1,"bytes":{{appDb}}}""", mirrored[0]!["changes"]!.ToJsonString());
        Assert.Equal("""{"restored":0,"updated":0,"unchanged":3,"deleted":1,"bytes":0}""", mirrored[1]!["changes"]!.ToJsonString());
        // Each snapshot's path, read from the repository, bounds its --delete.
        Assert.Equal(["--delete", "--include", backups.SourcePath(0, "data")], mirrored[0]!["argv"]!.AsArray().Select(a => (string)a!).TakeLast(3));
        Assert.Equal(["--delete", "--include", backups.SourcePath(0, "config")], mirrored[1]!["argv"]!.AsArray().Select(a => (string)a!).TakeLast(3));
        Assert.Equal(before, Written());
    }

    [Fact]
    public async Task The_mirror_restore_makes_both_paths_the_snapshot_and_leaves_what_is_beside_them()
    {
        await PrepareTargetAsync();

        var result = await CliHarness.RunAsync(Args(mirror: true, "--log-format", "text"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(backups.Expected[("v2", 0, "data")], Data);
        TestTree.AssertEqual(backups.Expected[("v2", 0, "config")], Config);
        Assert.Equal("in pod-0, beside data and config\n", File.ReadAllText(Path.Combine(Path.GetDirectoryName(Data)!, "beside.txt")));
        Assert.Contains(", 2 file(s) deleted", result.Error, StringComparison.Ordinal);
        Assert.Equal("Succeeded", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(_work.Path, "status.json")))!["components"]!["dump-pod-0"]!["phase"]);
    }

    [Fact]
    public async Task Mirror_with_the_tasks_exclude_is_refused_before_anything_runs()
    {
        await PrepareTargetAsync();
        var before = Written();

        var result = await CliHarness.RunAsync(Args(mirror: true, "--exclude=*.log"));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("cannot be combined with exclude patterns (*.log)", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Written());
    }
}
