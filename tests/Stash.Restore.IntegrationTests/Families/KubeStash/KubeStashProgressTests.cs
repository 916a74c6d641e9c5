using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stash.Restore.Cli;
using Stash.Restore.Core;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Processes;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

/// <summary>
/// One component backed up by real restic (24 MB in 48 incompressible files) and a restic on PATH that
/// is the real one with <c>--limit-download</c>, so a restore runs for seconds. Shared, read-only.
/// </summary>
public sealed class SlowComponentBackup : IAsyncLifetime
{
    public const string Component = "dump";
    public const string SnapshotName = "sts-repo-backup-1";
    public const int Files = 48;

    internal KubeStashRepositories Repositories { get; private set; } = null!;

    internal string ObjectsJson { get; private set; } = "";

    internal string Source => Path.Combine(Repositories.Root, "src", "data");

    /// <summary>A directory holding <c>restic</c>: the real one, reading at most 6 MiB/s from the repository.</summary>
    internal string SlowResticDirectory => Path.Combine(Repositories.Root, "slow-bin");

    public async Task InitializeAsync()
    {
        Repositories = await KubeStashRepositories.CreateAsync();
        var tree = TestTree.At(Source);
        // Files of one chunk each (restic's chunks are at least 512 KiB), so they complete one by one.
        for (var i = 0; i < Files; i++)
            tree.RandomFile($"part-{i:00}.bin", 500_000, i);
        var time = DateTimeOffset.UtcNow.AddHours(-1);
        var component = await Repositories.BackupComponentAsync("backup-1", Component, ResticStatsShape.Summary, time, Source);
        var snapshot = KubeStashRepositories.Snapshot(SnapshotName, "backup-1", time, new Dictionary<string, SnapshotComponent> { [Component] = component });
        ObjectsJson = Repositories.ObjectsJson([snapshot]);

        Directory.CreateDirectory(SlowResticDirectory);
        var wrapper = Path.Combine(SlowResticDirectory, "restic");
        File.WriteAllText(wrapper, $"""
            #!/bin/sh
            if [ "$1" = restore ]; then exec '{Repositories.Restic.Path}' "$@" --limit-download 6144; fi
            exec '{Repositories.Restic.Path}' "$@"
            """);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public Task DisposeAsync()
    {
        Repositories.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// restic's progress reaches <c>status.components[c].progress</c> while a real restic restores:
/// offline into the <c>--status-file</c>, and in a cluster by merge patch through the real CRD schema.
/// The executor runs in-process with the KubeStash Function's arguments; its clock's monotonic time runs
/// 50 times faster, so the 10 s throttle lets a write through every 0.2 s of the restore.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed partial class KubeStashProgressTests(SlowComponentBackup backup) : IClassFixture<SlowComponentBackup>, IDisposable
{
    private const double ClockSpeedUp = 50;
    private readonly string _work = Directory.CreateTempSubdirectory("kubestash-progress-").FullName;

    public void Dispose()
    {
        TestTree.MakeDeletable(_work);
        Directory.Delete(_work, recursive: true);
    }

    private const string SessionJson = """
        {"apiVersion":"core.kubestash.com/v1alpha1","kind":"RestoreSession","metadata":{"name":"sample-restore","namespace":"demo"},
         "spec":{"target":{"apiGroup":"apps","kind":"StatefulSet","name":"restore-sts","namespace":"demo"},
                 "addon":{"name":"workload-addon","tasks":[{"name":"logical-backup-restore"}]},
                 "dataSource":{"repository":"sts-repo","snapshot":"sts-repo-backup-1","encryptionSecret":{"name":"encrypt-secret","namespace":"demo"}}},
         "status":{"phase":"Running","totalComponents":2,"components":{"other":{"phase":"Running"}}}}
        """;

    private async Task<CliResult> RunAsync(params string[] args)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = $"{backup.SlowResticDirectory}:{Environment.GetEnvironmentVariable("PATH")}",
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root",
            ["COMPONENT_NAME"] = SlowComponentBackup.Component,
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost(environment, output, error, new FastMonotonicClock(ClockSpeedUp), new ProcessRunner(), "test-machine", false, new Interruption());
        string[] function =
        [
            "restore", "--namespace=demo", "--restoresession=sample-restore", $"--snapshot={SlowComponentBackup.SnapshotName}", "--enable-cache=true",
            $"--scratch-dir={Path.Combine(_work, "scratch")}", "--exclude=", "--include=", "--target-dir", Path.Combine(_work, "target"), "--log-format", "text",
        ];
        var code = await CliApp.RunAsync(host, [.. function, .. args], CancellationToken.None);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Offline_the_status_file_entry_goes_Running_then_progress_in_KubeStashs_shape_then_Succeeded()
    {
        var objects = Path.Combine(_work, "objects.json");
        File.WriteAllText(objects, backup.ObjectsJson);
        var session = Path.Combine(_work, "session.json");
        File.WriteAllText(session, SessionJson);
        var statusFile = Path.Combine(_work, "status.json");

        // Every state the file is seen in while the executor runs, in order.
        var seen = new List<string>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var entry = File.Exists(statusFile) ? JsonNode.Parse(File.ReadAllText(statusFile))?["components"]?[SlowComponentBackup.Component]?.ToJsonString() : null;
                    if (entry is not null && (seen.Count == 0 || seen[^1] != entry))
                        seen.Add(entry);
                }
                catch (IOException)
                {
                }
                await Task.Delay(20);
            }
        });
        var result = await RunAsync("--objects", objects, "--objects", session, "--status-file", statusFile);
        await stop.CancelAsync();
        await watcher;
        seen.Add(JsonNode.Parse(File.ReadAllText(statusFile))!["components"]![SlowComponentBackup.Component]!.ToJsonString());

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(backup.Source, Path.Combine(_work, "target") + backup.Source);
        var entries = seen.Distinct().Select(e => JsonNode.Parse(e)!.AsObject()).ToList();
        AssertRunningThenProgressThenSucceeded(entries);
        var status = JsonNode.Parse(File.ReadAllText(statusFile))!;
        Assert.Equal(("Running", 2, """{"phase":"Running"}"""), ((string?)status["phase"], (int?)status["totalComponents"], status["components"]!["other"]!.ToJsonString()));
    }

    [RequiresCrdsFact]
    public async Task In_a_cluster_progress_merge_patches_survive_the_schema_and_leave_other_entries_alone()
    {
        await using var server = await TestApiServer.TestApiServer.StartAsync();
        foreach (var item in ((JsonArray)JsonNode.Parse(backup.ObjectsJson)!["items"]!).Select(i => i!.AsObject()))
            server.Put((JsonObject)item.DeepClone());
        var stored = server.Put(SessionJson);
        stored["status"] = JsonNode.Parse("""{"phase":"Running","totalComponents":2,"components":{"other":{"phase":"Running"}}}""");
        server.Put(stored);

        var result = await RunAsync("--kubeconfig", server.WriteKubeconfig(Path.Combine(_work, "kubeconfig")));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var patches = server.Requests
            .Where(r => r.Method == "PATCH" && r.PathAndQuery.Contains("/restoresessions/sample-restore/status", StringComparison.Ordinal))
            .ToList();
        Assert.All(patches, p => Assert.Equal(200, p.StatusCode));
        Assert.All(patches, p => Assert.Equal(["components"], JsonNode.Parse(p.Body!)!["status"]!.AsObject().Select(f => f.Key)));
        // What the API server held after each patch is what the entries went through.
        var entries = new List<JsonObject>();
        var replay = new JsonObject();
        foreach (var patch in patches)
        {
            replay = (JsonObject)JsonMergePatch.Apply(replay, JsonNode.Parse(patch.Body!)!["status"]!["components"]![SlowComponentBackup.Component])!;
            entries.Add((JsonObject)replay.DeepClone());
        }
        AssertRunningThenProgressThenSucceeded(entries);

        var status = server.Get("core.kubestash.com/v1alpha1", "RestoreSession", "demo", "sample-restore")!["status"]!;
        var progress = status["components"]![SlowComponentBackup.Component]!["progress"]!.AsObject();
        // Every field the executor sent is still there after the server pruned by the real schema.
        var lastSent = JsonNode.Parse(patches.Last(p => p.Body!.Contains("\"progress\":{", StringComparison.Ordinal)).Body!)!["status"]!["components"]![SlowComponentBackup.Component]!["progress"]!;
        Assert.Equal(Fields(lastSent.AsObject()), Fields(progress));
        Assert.Equal(("Running", 2, """{"phase":"Running"}"""), ((string?)status["phase"], (int?)status["totalComponents"], status["components"]!["other"]!.ToJsonString()));
    }

    /// <summary>
    /// Running (no progress) → one or more progress states (KubeStash's field formats) → Succeeded with a
    /// duration. At least one progress has every field: while running, or the last one, which the final
    /// entry keeps. restic writes files in bursts, as each pack arrives; on a loaded machine the one status
    /// line between the bursts can fall inside the throttle's interval after the previous write, and then
    /// only the final entry shows it. (How often progress is written is the engine's throttle, tested with a
    /// fake clock in ProgressThrottleTests.)
    /// </summary>
    private static void AssertRunningThenProgressThenSucceeded(List<JsonObject> entries)
    {
        var summary = string.Join("\n", entries.Select(e => e.ToJsonString()));
        Assert.True(entries.Count >= 3, summary);
        Assert.Equal("Running", (string?)entries[0]["phase"]);
        Assert.Null(entries[0]["progress"]);
        Assert.Equal("Succeeded", (string?)entries[^1]["phase"]);
        Assert.NotNull(entries[^1]["duration"]);
        var running = entries.Skip(1).TakeWhile(e => (string?)e["phase"] == "Running").ToList();
        Assert.True(running.Count >= 1, "no progress while restic ran:\n" + summary);
        var progresses = running.Select(e => e["progress"]!.AsObject()).ToList();
        if (entries[^1]["progress"] is JsonObject last)
            progresses.Add(last);
        foreach (var progress in progresses)
        {
            Assert.Subset(new HashSet<string> { "secondsElapsed", "percentDone", "totalFiles", "filesDone", "restoreDone", "total", "speed" }, progress.Select(p => p.Key).ToHashSet());
            Assert.Matches(HumanSize(), (string?)progress["restoreDone"]);
            if (progress["percentDone"] is { } percent)
                Assert.Matches(@"^\d{1,3}\.\d\d%$", (string?)percent);
            if (progress["total"] is { } total)
                Assert.Matches(HumanSize(), (string?)total);
            if (progress["speed"] is { } speed)
                Assert.Matches(@"^\d+(\.\d+)?(B|kB|MB|GB)/s$", (string?)speed);
        }
        // The first status lines come before restic's first whole second and before its first file.
        var full = progresses.FirstOrDefault(p => p.Count == 7);
        Assert.True(full is not null, "no progress with every field:\n" + summary);
        // restic's total_files counts the files, their directory and each of its parents.
        Assert.True((long?)full!["totalFiles"] >= SlowComponentBackup.Files + 1, summary);
    }

    private static string[] Fields(JsonObject entry) =>
        [.. entry.Select(f => $"{f.Key}={f.Value!.ToJsonString()}").Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"^\d+(\.\d+)?(B|kB|MB|GB)$")]
    private static partial Regex HumanSize();
}
