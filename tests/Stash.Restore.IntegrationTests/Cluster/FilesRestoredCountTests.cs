using System.Text;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Metrics;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// "file(s) restored" counts files, not directories (issue 10): real restic 0.18 restores 5 files in
/// 4 directories through the CLI against the test API server, and the log line, the Event and the
/// pushed metric all say 5 — restic's own summary says 5 plus every directory.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class FilesRestoredCountTests : IAsyncLifetime
{
    private const string Namespace = "demo";
    private TestRepository _repository = null!;
    private TestApiServer.TestApiServer _server = null!;
    private string _data = "";

    public async Task InitializeAsync()
    {
        _repository = await TestRepository.CreateAsync();
        _data = Path.Combine(_repository.Root, "data");
        // 5 files (one of them empty) in 4 directories: data/, data/a/, data/a/b/, data/c/.
        TestTree.At(_data)
            .File("top.txt", "top\n")
            .File("a/one.txt", "one\n")
            .File("a/b/two.bin", new string('x', 4096))
            .File("a/b/empty", "")
            .File("c/three.txt", "three\n");
        await _repository.BackupAsync("host-0", DateTimeOffset.UtcNow.AddMinutes(-1), _data);

        _server = await TestApiServer.TestApiServer.StartAsync();
        _server.Put($$$$"""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"repo-secret","namespace":"{{{{Namespace}}}}"},
             "data":{"RESTIC_PASSWORD":"{{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(_repository.Password))}}}}"}}
            """);
        _server.Put($$$$"""
            {"apiVersion":"stash.appscode.com/v1alpha1","kind":"Repository","metadata":{"name":"test-repo","namespace":"{{{{Namespace}}}}"},
             "spec":{"backend":{"local":{"mountPath":"{{{{_repository.RepositoryPath}}}}"},"storageSecretName":"repo-secret"}}}
            """);
        _server.Put($$$$"""
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"count-restore","namespace":"{{{{Namespace}}}}"},
             "spec":{"repository":{"name":"test-repo"},
                     "target":{"ref":{"apiVersion":"apps/v1","kind":"Deployment","name":"app"},"rules":[{"paths":["{{{{_data}}}}"],"sourceHost":"host-0"}]}}}
            """);
        // The same in mirror mode: the annotation travels with the object through the API.
        _server.Put($$$$"""
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"mirror-restore","namespace":"{{{{Namespace}}}}","annotations":{"stash-restore/mirror":"true"}},
             "spec":{"repository":{"name":"test-repo"},
                     "target":{"ref":{"apiVersion":"apps/v1","kind":"Deployment","name":"app"},"rules":[{"paths":["{{{{_data}}}}"],"sourceHost":"host-0"}]}}}
            """);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repository.Dispose();
    }

    [RequiresCrdsFact]
    public async Task Five_files_in_four_directories_are_reported_as_five_files_in_the_log_the_Event_and_the_metric()
    {
        await using var pushgateway = new TestPushgateway();
        var target = _repository.CreateDirectory("target");

        var result = await CliHarness.RunAsync(
            new Dictionary<string, string> { ["POD_NAME"] = "app-5d8f7-x1", ["POD_NAMESPACE"] = Namespace },
            "restore", "--restoresession", "count-restore", "--kubeconfig", _server.WriteKubeconfig(Path.Combine(_repository.Root, "kubeconfig")),
            "--target-dir", target, "--scratch-dir", Path.Combine(_repository.Root, "scratch"), "--log-format", "text",
            "--metrics-enabled=true", $"--pushgateway-url={pushgateway.Url}");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(5, Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Count());
        // restic also restores the data path's parents: every component of it is a directory.
        var directories = 3 + _data.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        var counted = $"5 file(s), 4110 byte(s) restored, 0 unchanged file(s) skipped, {directories} dir(s)";

        Assert.Contains($"restic: restored path {_data} of host host-0 (latest snapshot): 5 files, {directories} dirs, 4.0 KiB", result.Error, StringComparison.Ordinal);
        Assert.Contains(counted, result.Error, StringComparison.Ordinal);
        var restoreEvent = Assert.Single(_server.List("v1", "Event", Namespace), e => (string?)e["reason"] == "HostRestoreSucceeded");
        Assert.Contains(counted, (string?)restoreEvent["message"], StringComparison.Ordinal);
        var push = Assert.Single(pushgateway.Requests);
        var filesMetric = Assert.Single(push.Body.Split('\n'), l => l.StartsWith("stash_restore_host_restore_files_restored{", StringComparison.Ordinal));
        Assert.EndsWith(" 5", filesMetric, StringComparison.Ordinal);
        Assert.Contains(push.Body.Split('\n'), l => l.StartsWith("stash_restore_host_restore_bytes_restored{", StringComparison.Ordinal) && l.EndsWith(" 4110", StringComparison.Ordinal));
    }

    [RequiresCrdsFact]
    public async Task A_mirror_restore_says_in_the_log_and_the_Event_how_many_files_it_deleted()
    {
        var target = _repository.CreateDirectory("mirror-target");
        var restored = target + _data;
        // The volume holds the data with two files and a directory the snapshot lacks, and one file beside it.
        TestTree.At(restored).File("top.txt", "top\n").File("stale.txt", "gone from the snapshot\n").File("old/stale.bin", "gone too\n");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(restored)!, "beside.txt"), "not restored, not deleted\n");

        var result = await CliHarness.RunAsync(
            new Dictionary<string, string> { ["POD_NAME"] = "app-5d8f7-x1", ["POD_NAMESPACE"] = Namespace },
            "restore", "--restoresession", "mirror-restore", "--kubeconfig", _server.WriteKubeconfig(Path.Combine(_repository.Root, "kubeconfig-mirror")),
            "--target-dir", target, "--scratch-dir", Path.Combine(_repository.Root, "scratch-mirror"), "--log-format", "text");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.False(File.Exists(Path.Combine(restored, "stale.txt")));
        Assert.False(Directory.Exists(Path.Combine(restored, "old")));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(restored)!, "beside.txt")));
        // Two files deleted; the directory "old" is not counted.
        Assert.Contains(", 2 files the snapshot lacks deleted", result.Error, StringComparison.Ordinal);
        var restoreEvent = Assert.Single(_server.List("v1", "Event", Namespace),
            e => (string?)e["reason"] == "HostRestoreSucceeded" && (string?)e["involvedObject"]!["name"] == "mirror-restore");
        Assert.EndsWith(", 2 file(s) deleted", (string?)restoreEvent["message"], StringComparison.Ordinal);
    }
}
