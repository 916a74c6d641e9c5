using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// <c>restore --dry-run --hosts …</c> previews every host at once against the real repository:
/// rule, source host, and the snapshot each restic call resolves to now — and writes nothing.
/// </summary>
public sealed class StashHostsPreviewTests(BackedUpHostsFixture hosts) : IClassFixture<BackedUpHostsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hosts-preview-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Args(params string[] extra)
    {
        var session = Path.Combine(_dir, "rs.yaml");
        File.WriteAllText(session, StashRestoreSessions.StatefulSetDb($"""
                rules:
                  - targetHosts: [host-3]
                    sourceHost: host-1
                    paths: ["{hosts.DataPath}"]
                  - targetHosts: [host-0, host-1]
                    paths: ["{hosts.DataPath}"]
                  - targetHosts: [host-2]
                    snapshots: ["test-repo-{hosts.Latest["host-2"].ShortId}"]
            """));
        var repository = Path.Combine(_dir, "repo.yaml");
        File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: test-repo, namespace: demo}}\nspec:\n  backend:\n    local: {{mountPath: {hosts.Repo.RepositoryPath}}}\n");
        var secret = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), hosts.Repo.Password);
        return ["restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
            "--scratch-dir", Path.Combine(_dir, "scratch"), "--target-dir", Path.Combine(_dir, "target"), "--log-format", "text", .. extra];
    }

    [Fact]
    public async Task Each_host_gets_its_rule_source_host_and_the_snapshot_restic_would_restore_now()
    {
        var text = await CliHarness.RunAsync(Args("--dry-run", "--hosts", "host-0,host-3,host-2,host-7"));

        Assert.True(text.ExitCode == ExitCodes.Success, text.ToString());
        var rows = text.Output.Split('\n').Select(r => r.TrimEnd()).ToList();
        Assert.Contains(rows, r => r.StartsWith("host-0  spec.target.rules[1]  host-0", StringComparison.Ordinal) && r.EndsWith($"{hosts.Latest["host-0"].ShortId} of host-0 at {hosts.Latest["host-0"].Time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}", StringComparison.Ordinal));
        // host-3 restores host-1's newest snapshot, not its older, stale one.
        Assert.Contains(rows, r => r.StartsWith("host-3  spec.target.rules[0]  host-1", StringComparison.Ordinal) && r.Contains($"{hosts.Latest["host-1"].ShortId} of host-1", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("host-2  spec.target.rules[2]", StringComparison.Ordinal) && r.Contains($"{hosts.Latest["host-2"].ShortId} of host-2", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("host-7 ", StringComparison.Ordinal) && r.EndsWith("no restore rule matches host \"host-7\": nothing would be restored", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_dir, "scratch")), "the preview must write nothing, not even a cache");
        Assert.False(Directory.Exists(Path.Combine(_dir, "target")));
    }

    [Fact]
    public async Task All_hosts_of_a_statefulset_in_json()
    {
        var result = await CliHarness.RunAsync(Args("--dry-run", "--hosts", "all", "--replicas", "5", "-o", "json"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var preview = JsonNode.Parse(result.Output)!;
        var rows = preview["hosts"]!.AsArray();
        Assert.Equal(["host-0", "host-1", "host-2", "host-3", "host-4"], rows.Select(r => (string)r!["hostname"]!));
        var host3 = rows[3]!;
        Assert.Equal("host-1", (string?)host3["sourceHost"]);
        Assert.Equal(hosts.Latest["host-1"].Id, (string?)host3["calls"]![0]!["snapshot"]!["id"]);
        Assert.Equal(hosts.DataPath, (string?)host3["calls"]![0]!["path"]);
        Assert.Contains("no restore rule matches host \"host-4\"", (string?)rows[4]!["note"]);
    }

    [Fact]
    public async Task Only_the_local_hosts_calls_are_previewed_against_the_target_on_this_machine()
    {
        // host-0's data as restored, with one file changed: what host-0's restore would change here.
        var target = Path.Combine(_dir, "target");
        var restored = target + hosts.DataPath;
        CopyTree(Path.Combine(hosts.Sources, "host-0"), restored);
        File.WriteAllText(Path.Combine(restored, "db.json"), "changed here");
        var files = Directory.EnumerateFiles(restored, "*", SearchOption.AllDirectories).Count();

        var json = await CliHarness.RunAsync(Args("--dry-run", "--hosts", "host-0,host-1", "--host", "host-0", "-o", "json"));
        var text = await CliHarness.RunAsync(Args("--dry-run", "--hosts", "host-0,host-1", "--host", "host-0"));

        Assert.True(json.ExitCode == ExitCodes.Success, json.ToString());
        var rows = JsonNode.Parse(json.Output)!["hosts"]!.AsArray();
        Assert.True((bool)rows[0]!["targetIsLocal"]!);
        var changes = rows[0]!["calls"]![0]!["changes"]!;
        Assert.Equal(1, (long)changes["updated"]!);
        Assert.Equal(0, (long)changes["deleted"]!);
        // Symlinks are restored anew by restic whatever they hold: they count as restored, not unchanged.
        Assert.Equal(files - 1, (long)changes["unchanged"]! + (long)changes["restored"]!);
        Assert.Null(rows[1]!["changes"]);
        Assert.Null(rows[1]!["calls"]![0]!["changes"]);
        var lines = text.Output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("host-0 ", StringComparison.Ordinal) && l.Contains(" new, 1 updated, ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("host-1 ", StringComparison.Ordinal) && !l.Contains(" updated", StringComparison.Ordinal));
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        using var copy = System.Diagnostics.Process.Start("cp", ["-a", from, to])!;
        copy.WaitForExit();
        Assert.Equal(0, copy.ExitCode);
    }

    [Fact]
    public async Task A_path_no_snapshot_has_is_named_in_its_row()
    {
        var args = Args("--dry-run", "--hosts", "host-0");
        File.WriteAllText(args[2], File.ReadAllText(args[2]).Replace($"paths: [\"{hosts.DataPath}\"]\n      - targetHosts: [host-2]", "paths: [\"/never/backed/up\"]\n      - targetHosts: [host-2]", StringComparison.Ordinal));

        var result = await CliHarness.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("no snapshot of host \"host-0\" with path \"/never/backed/up\"", result.Output);
    }

    [Theory]
    [InlineData(new[] { "--hosts", "host-0" }, "--hosts previews several hosts and needs --dry-run")]
    [InlineData(new[] { "--dry-run", "--hosts", "all" }, "--hosts all needs the number of replicas of StatefulSet db: pass --replicas N")]
    public async Task Hosts_without_what_it_needs_is_exit_2(string[] extra, string message)
    {
        var result = await CliHarness.RunAsync(Args(extra));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains(message, result.Error);
    }
}
