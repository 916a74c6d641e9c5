using System.Diagnostics;
using Stash.Restore.Core;
using Stash.Restore.Core.Platform;
using Stash.Restore.IntegrationTests.Families.KubeStash;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// <c>--status-file</c> where a status file cannot be: not a regular file (refused before anything runs,
/// left as it is) or on a read-only file system (one line naming the file and the cause) — the same for
/// a Stash host and a KubeStash component. Real restic, real files, a real read-only mount.
/// </summary>
public sealed class StatusFileLocationTests(BackedUpHostsFixture stash, KubeStashStatefulSetBackups kubeStash)
    : IClassFixture<BackedUpHostsFixture>, IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private readonly WorkDirectory _work = new("status-file-location-");

    public void Dispose() => _work.Dispose();

    public static TheoryData<string> Families => ["stash", "kubestash"];

    private string Target => Path.Combine(_work.Path, "target");

    private Task<CliResult> RestoreAsync(string family, string statusFile)
    {
        string[] common = ["--status-file", statusFile, "--target-dir", Target, "--scratch-dir", Path.Combine(_work.Path, "scratch"), "--log-format", "text"];
        return (family == "stash"
            ? CliHarness.RunAsync(["restore", "--restoresession-file", StashSession(), "--repository-file", StashRepository(), "--secret-dir", StashSecret(), "--host", "host-0", .. common])
            : CliHarness.RunAsync(new Dictionary<string, string> { ["COMPONENT_NAME"] = "dump-pod-0" },
                ["restore", "--objects", KubeStashObjects(), "--objects", KubeStashSession(), .. common])).WaitAsync(Bound);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Dev_null_as_the_status_file_is_refused_with_exit_2_before_restic_and_stays_a_device(string family)
    {
        var result = await RestoreAsync(family, "/dev/null");

        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        Assert.EndsWith(
            "status file '/dev/null' is a character device, not a regular file: the status file is replaced whole at every write; name a regular file or a path that does not exist yet",
            Assert.Single(ErrorLines(result)));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of("/dev/null"));
        Assert.False(Directory.Exists(Target), "restic ran");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task A_fifo_as_the_status_file_is_refused_at_once_and_stays_a_fifo(string family)
    {
        var fifo = Path.Combine(_work.Path, "status.json");
        Assert.True(ReadOnlyMount.Run("mkfifo", fifo));

        var result = await RestoreAsync(family, fifo);

        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        Assert.Contains($"status file '{fifo}' is a FIFO (named pipe), not a regular file", Assert.Single(ErrorLines(result)), StringComparison.Ordinal);
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
        Assert.False(Directory.Exists(Target), "restic ran");
    }

    [RequiresReadOnlyMountTheory]
    [MemberData(nameof(Families))]
    public async Task A_status_file_on_a_read_only_mount_is_one_line_naming_the_file_and_the_cause_exit_3(string family)
    {
        using var mount = ReadOnlyMount.Create();
        var statusFile = Path.Combine(mount.Path, "status.json");

        var clock = Stopwatch.StartNew();
        var result = await RestoreAsync(family, statusFile);

        Assert.True(result.ExitCode == ExitCodes.DependencyUnavailable, result.ToString());
        Assert.EndsWith($"cannot write status file '{statusFile}': the location is on a read-only file system", Assert.Single(ErrorLines(result)));
        // The Running entry is the first write: it fails before restic restores anything, and at once (no waiting on a lock).
        Assert.False(Directory.Exists(Target), "restic ran");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    private static List<string> ErrorLines(CliResult result) =>
        [.. result.Error.Split('\n').Where(l => l.Contains(" ERR ", StringComparison.Ordinal))];

    private string StashSession()
    {
        var path = Path.Combine(_work.Path, "rs.yaml");
        File.WriteAllText(path, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {"{"}name: sts-restore, namespace: demo{"}"}
            spec:
              repository:
                name: test-repo
              target:
                ref: {"{"}apiVersion: apps/v1, kind: StatefulSet, name: db{"}"}
                rules:
                - paths: ["{stash.DataPath}"]
            """);
        return path;
    }

    private string StashRepository()
    {
        var path = Path.Combine(_work.Path, "repo.yaml");
        File.WriteAllText(path, $"""
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {"{"}name: test-repo, namespace: demo{"}"}
            spec:
              backend:
                local:
                  mountPath: {stash.Repo.RepositoryPath}
                storageSecretName: repo-secret
            """);
        return path;
    }

    private string StashSecret()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_work.Path, "secret")).FullName;
        File.WriteAllText(Path.Combine(directory, "RESTIC_PASSWORD"), stash.Repo.Password);
        return directory;
    }

    private string KubeStashObjects()
    {
        var path = Path.Combine(_work.Path, "objects.json");
        File.WriteAllText(path, kubeStash.ObjectsJson);
        return path;
    }

    private string KubeStashSession()
    {
        var path = Path.Combine(_work.Path, "session.yaml");
        File.WriteAllText(path, KubeStashRestoreSessions.StatefulSet("    repository: sts-repo\n    snapshot: latest"));
        return path;
    }
}
