using System.Text.Json.Nodes;
using Stash.Restore.Cli;
using Stash.Restore.Core;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;
using Stash.Restore.IntegrationTests.Families.KubeStash;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// A Stash host has no progress field in <c>status.stats[]</c>: while real (rate-limited) restic restores,
/// the executor logs one "Restoring: …" line per throttled update (monotonic clock 50× faster, so one per
/// 0.2 s), and the host's status entry stays within the schema.
/// </summary>
public sealed class StashProgressLogTests(SlowComponentBackup backup) : IClassFixture<SlowComponentBackup>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("stash-progress-").FullName;

    public void Dispose()
    {
        TestTree.MakeDeletable(_work);
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task A_slow_restore_logs_progress_lines_and_the_host_entry_keeps_its_fields()
    {
        var session = Path.Combine(_work, "session.yaml");
        File.WriteAllText(session, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {"{"}name: slow-restore, namespace: demo{"}"}
            spec:
              repository: {"{"}name: slow-repo{"}"}
              target:
                ref: {"{"}apiVersion: apps/v1, kind: Deployment, name: app{"}"}
                rules:
                - paths: ["{backup.Source}"]
                  sourceHost: {SlowComponentBackup.Component}
            """);
        var repository = Path.Combine(_work, "repository.yaml");
        File.WriteAllText(repository, $"""
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {"{"}name: slow-repo, namespace: demo{"}"}
            spec:
              backend:
                storageSecretName: slow-secret
                local: {"{"}mountPath: "{backup.Repositories.ComponentRepository("backup-1", SlowComponentBackup.Component)}"{"}"}
            """);
        var secretDir = Directory.CreateDirectory(Path.Combine(_work, "secret")).FullName;
        File.WriteAllText(Path.Combine(secretDir, "RESTIC_PASSWORD"), backup.Repositories.Password);
        var statusFile = Path.Combine(_work, "status.json");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = $"{backup.SlowResticDirectory}:{Environment.GetEnvironmentVariable("PATH")}",
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root",
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost(environment, output, error, new FastMonotonicClock(50), new ProcessRunner(), "test-machine", false, new Interruption());

        var code = await CliApp.RunAsync(host,
            ["restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secretDir, "--host", "host-0",
             "--target-dir", Path.Combine(_work, "target"), "--scratch-dir", Path.Combine(_work, "scratch"), "--status-file", statusFile, "--log-format", "text"],
            CancellationToken.None);

        var log = error.ToString();
        Assert.True(code == ExitCodes.Success, log);
        TestTree.AssertEqual(backup.Source, Path.Combine(_work, "target") + backup.Source);
        var lines = log.Split('\n').Where(l => l.Contains("Restoring: ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= 1, "no progress line:\n" + log);
        Assert.All(lines, l => Assert.Matches(@"Restoring: \d{1,3}\.\d\d% \(\d+(\.\d)? (B|KiB|MiB) of \d+(\.\d)? (B|KiB|MiB), \d+ of \d+ files/dirs, \d+(\.\d)? (B|KiB|MiB)/s\)$", l.TrimEnd()));
        Assert.Contains(lines, l => l.Contains("of 22.9 MiB,", StringComparison.Ordinal));
        var entry = Assert.Single(JsonNode.Parse(File.ReadAllText(statusFile))!["stats"]!.AsArray())!.AsObject();
        Assert.Equal(["duration", "hostname", "phase"], entry.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Equal("Succeeded", (string?)entry["phase"]);
    }
}
