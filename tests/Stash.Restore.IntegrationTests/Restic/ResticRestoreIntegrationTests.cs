using Stash.Restore.Core;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Restic;

/// <summary>
/// One repository with snapshots of /…/data by two hosts at several times, shared by the
/// tests of <see cref="ResticRestoreIntegrationTests"/> (they only read it).
/// </summary>
public sealed class SnapshotHistory : IAsyncLifetime
{
    internal TestRepository Repository { get; private set; } = null!;

    /// <summary>The backed-up directory (same absolute path in every snapshot).</summary>
    internal string DataPath { get; private set; } = "";

    internal string OtherPath { get; private set; } = "";

    /// <summary>Reference copies of what each snapshot holds, by version name.</summary>
    internal Dictionary<string, string> Expected { get; } = [];

    internal TestSnapshot Host0Old { get; private set; } = null!;

    internal TestSnapshot Host0New { get; private set; } = null!;

    internal TestSnapshot Host1Newest { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Repository = await TestRepository.CreateAsync();
        DataPath = Path.Combine(Repository.Root, "src", "data");
        OtherPath = Path.Combine(Repository.Root, "src", "other");
        TestTree.At(OtherPath).File("other.txt", "other");

        Host0Old = await BackupVersionAsync("host-0", "v1", new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));
        Host1Newest = await BackupVersionAsync("host-1", "v3", new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero));
        // Made after host-1's but with an earlier snapshot time: "latest" is by time, per host.
        Host0New = await BackupVersionAsync("host-0", "v2", new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero));
        await Repository.BackupAsync("host-0", new DateTimeOffset(2026, 11, 4, 10, 0, 0, TimeSpan.Zero), OtherPath);
    }

    private async Task<TestSnapshot> BackupVersionAsync(string host, string version, DateTimeOffset time)
    {
        if (Directory.Exists(DataPath))
            Directory.Delete(DataPath, recursive: true);
        TestTree.At(DataPath).Mixed(version);
        var expected = Path.Combine(Repository.Root, "expected", version);
        TestTree.At(expected).Mixed(version);
        Expected[version] = expected;
        return await Repository.BackupAsync(host, time, DataPath);
    }

    public Task DisposeAsync()
    {
        Repository.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class ResticRestoreIntegrationTests(SnapshotHistory history) : IClassFixture<SnapshotHistory>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("stash-restic-it-").FullName;
    private readonly LogCapture _log = new();

    public void Dispose()
    {
        TestTree.MakeDeletable(_work);
        Directory.Delete(_work, recursive: true);
    }

    private string Target => Path.Combine(_work, "target");

    /// <summary>
    /// The run's one masker, with the repository password registered as the inputs register the
    /// Secret where they read it (these repositories are local: the password is its only secret).
    /// </summary>
    internal static SecretMasker Masker(ResticPlan plan)
    {
        var masker = new SecretMasker();
        masker.RegisterSecretData("Secret demo/repository", new Dictionary<string, string> { ["RESTIC_PASSWORD"] = plan.Invocations[0].Process.Environment["RESTIC_PASSWORD"]! });
        return masker;
    }

    private string RestoredData => Target + history.DataPath;

    private async Task<ResticRestoreSummary> RestoreAsync(RestoreRule rule, string sourceHost = "host-0", Dictionary<string, string>? secret = null, Repository? repository = null)
    {
        var options = new ResticRestoreOptions(Target, Path.Combine(_work, "scratch"), EnableCache: true, MaxConnections: null, Priority: null);
        var plan = ResticPlanner.Plan(StashRestoreRequest.For(new ResolvedRule(0, rule, sourceHost), repository ?? history.Repository.ToRepository(), secret ?? history.Repository.Secret), options, history.Repository.Restic);
        var runner = new ResticRestoreRunner(new ProcessRunner(), _log.Logger, TimeProvider.System, Masker(plan));
        return await runner.RunAsync(plan, CancellationToken.None);
    }

    [Fact]
    public async Task Latest_for_host_and_path_restores_that_hosts_newest_snapshot_exactly()
    {
        var summary = await RestoreAsync(new RestoreRule { Paths = [history.DataPath] }, sourceHost: "host-0");
        TestTree.AssertEqual(history.Expected["v2"], RestoredData);
        Assert.True(summary.FilesRestored >= 10, $"files restored: {summary.FilesRestored}");
        Assert.True(summary.BytesRestored >= 300_000, $"bytes restored: {summary.BytesRestored}");
        Assert.False(Directory.Exists(Target + history.OtherPath));
        Assert.Contains(_log.Lines, l => l.StartsWith("Information: restic: restored path " + history.DataPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Latest_for_the_other_host()
    {
        await RestoreAsync(new RestoreRule { Paths = [history.DataPath] }, sourceHost: "host-1");
        TestTree.AssertEqual(history.Expected["v3"], RestoredData);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("long")]
    [InlineData("stash")]
    public async Task Snapshot_by_short_id_long_id_or_stash_snapshot_name(string form)
    {
        var snapshot = history.Host0Old;
        var id = form switch
        {
            "short" => snapshot.ShortId,
            "long" => snapshot.Id,
            _ => "test-repo-" + snapshot.ShortId,
        };
        await RestoreAsync(new RestoreRule { Snapshots = [id] });
        TestTree.AssertEqual(history.Expected["v1"], RestoredData);
    }

    [Fact]
    public async Task Include_restores_only_matching_paths()
    {
        await RestoreAsync(new RestoreRule { Paths = [history.DataPath], Include = [history.DataPath + "/logs"] });
        var restored = TestTree.Read(RestoredData).Where(e => e.Value.Kind != "dir").Select(e => e.Key).ToList();
        Assert.Equal(["logs/app.log", "logs/keep.txt"], restored);
    }

    [Fact]
    public async Task Exclude_leaves_out_matching_files()
    {
        await RestoreAsync(new RestoreRule { Paths = [history.DataPath], Exclude = ["*.log", "blobs"] });
        var restored = TestTree.Read(RestoredData);
        Assert.DoesNotContain("logs/app.log", restored.Keys);
        Assert.DoesNotContain("blobs/random.bin", restored.Keys);
        Assert.Contains("logs/keep.txt", restored.Keys);
        Assert.Contains("données/été-日本語.txt", restored.Keys);
    }

    [Fact]
    public async Task Wrong_password_is_reported_as_such_without_the_password()
    {
        var secret = new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "not-the-right-one" };
        var e = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(new RestoreRule { Paths = [history.DataPath] }, secret: secret));
        Assert.Contains("wrong password for repository local:" + history.Repository.RepositoryPath, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-right-one", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-right-one", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_snapshot_names_the_filters_and_lists_what_exists()
    {
        var e = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(new RestoreRule { Paths = [history.DataPath] }, sourceHost: "host-7"));
        var repo = "local:" + history.Repository.RepositoryPath;
        Assert.Contains($"no snapshot of host \"host-7\" with path \"{history.DataPath}\" in repository {repo}; snapshots: ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{history.Host0Old.ShortId} host-0 [{history.DataPath}] 2026-11-01T10:00:00Z", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{history.Host1Newest.ShortId} host-1 [{history.DataPath}] 2026-11-03T10:00:00Z", e.Message, StringComparison.Ordinal);
        Assert.Contains($"host-0 [{history.OtherPath}] 2026-11-04T10:00:00Z", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_snapshot_id_lists_what_exists()
    {
        var e = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(new RestoreRule { Snapshots = ["test-repo-deadbeef"] }));
        Assert.Contains("no snapshot with id \"deadbeef\"", e.Message, StringComparison.Ordinal);
        Assert.Contains(history.Host0New.ShortId + " host-0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_repository_is_reported()
    {
        var repository = history.Repository.ToRepository() with
        {
            Spec = new RepositorySpec { Backend = new BackendSpec { Local = new LocalSpec { MountPath = Path.Combine(_work, "nothing-here") } } },
        };
        var e = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(new RestoreRule { Paths = [history.DataPath] }, repository: repository));
        Assert.Contains($"no repository at local:{_work}/nothing-here (exit 10)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_that_restic_prints_is_masked_in_log_and_exception()
    {
        const string restPassword = "rest-Pa55-visible-in-url";
        var repository = history.Repository.ToRepository() with
        {
            // An invalid port makes restic echo the whole URL, userinfo included.
            Spec = new RepositorySpec { Backend = new BackendSpec { Rest = new RestServerSpec { Url = "http://127.0.0.1:badport/" } } },
        };
        var secret = new Dictionary<string, string>
        {
            ["RESTIC_PASSWORD"] = history.Repository.Password,
            ["REST_SERVER_USERNAME"] = "stash",
            ["REST_SERVER_PASSWORD"] = restPassword,
        };
        var e = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(new RestoreRule { Paths = [history.DataPath] }, secret: secret, repository: repository));
        Assert.Contains("stash:***@127.0.0.1:badport", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(restPassword, e.Message, StringComparison.Ordinal);
        Assert.Contains("stash:***@127.0.0.1:badport", _log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(restPassword, _log.Text, StringComparison.Ordinal);
    }

    [RequiresImmutableDirectoriesFact]
    public async Task Files_that_cannot_be_written_fail_the_restore()
    {
        // An immutable directory (chattr +i; root on ext4) refuses new entries even to root.
        var logs = Path.Combine(RestoredData, "logs");
        Directory.CreateDirectory(logs);
        // The attribute skips (visibly) where chattr cannot work; here it must.
        Assert.True(await ChattrAsync("+i", logs), $"chattr +i {logs} failed although chattr works on the temp directory");
        try
        {
            var e = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(new RestoreRule { Paths = [history.DataPath] }));
            Assert.Matches(FileErrorPattern, e.Message);
            Assert.False(File.Exists(Path.Combine(logs, "app.log")));
            Assert.Contains(_log.Lines, l => l.StartsWith("Error: restic: could not restore: ", StringComparison.Ordinal));
        }
        finally
        {
            await ChattrAsync("-i", logs);
        }
    }

    private const string FileErrorPattern = @"failed: \d+ error\(s\) on \d+ path\(s\) \(first: [^)]*/logs/";

    private static async Task<bool> ChattrAsync(string flag, string path)
    {
        try
        {
            var result = await new ProcessRunner().RunAsync(new ProcessSpec("chattr", [flag, path], new Dictionary<string, string?>()), null, CancellationToken.None);
            return result.ExitCode == 0;
        }
        catch (ProgramNotFoundException)
        {
            return false;
        }
    }

    [RequiresUtsNamespaceFact]
    public async Task A_repository_locked_by_another_host_is_reported_with_how_to_unlock()
    {
        using var repository = await TestRepository.CreateAsync();
        var data = Path.Combine(repository.Root, "d");
        TestTree.At(data).File("a.txt", "a");
        await repository.BackupAsync("host-0", DateTimeOffset.UtcNow, data);

        // `restic key passwd` holds an exclusive lock while it waits for the new password; run
        // in its own UTS namespace as "otherhost" so the lock is not taken for a stale local one.
        using var stopLocker = new CancellationTokenSource();
        var env = repository.ResticEnvironment();
        var locker = new ProcessRunner(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)).RunAsync(
            new ProcessSpec("unshare", ["-u", "sh", "-c", $"hostname otherhost && sleep 10 | exec '{repository.Restic.Path}' key passwd --no-cache"], env),
            null, stopLocker.Token);
        var locks = Path.Combine(repository.RepositoryPath, "locks");
        for (var i = 0; i < 100 && !(Directory.Exists(locks) && Directory.EnumerateFiles(locks).Any()) && !locker.IsCompleted; i++)
            await Task.Delay(50);
        // The attribute skips (visibly) where a UTS namespace is not permitted; here the locker must be holding the lock.
        Assert.False(locker.IsCompleted, "the locking restic (under unshare -u) ended before taking its lock");
        try
        {
            var options = new ResticRestoreOptions(Target, Path.Combine(_work, "scratch"), EnableCache: false, MaxConnections: null, Priority: null);
            var plan = ResticPlanner.Plan(StashRestoreRequest.For(new ResolvedRule(0, new RestoreRule { Paths = [data] }, "host-0"), repository.ToRepository(), repository.Secret), options, repository.Restic);
            var e = await Assert.ThrowsAsync<RestoreFailedException>(() => new ResticRestoreRunner(new ProcessRunner(), _log.Logger, TimeProvider.System, Masker(plan)).RunAsync(plan, CancellationToken.None));
            Assert.Contains($"repository local:{repository.RepositoryPath} is locked (exit 11)", e.Message, StringComparison.Ordinal);
            Assert.Contains("otherhost", e.Message, StringComparison.Ordinal);
            Assert.Contains("`restic unlock` (see `restic list locks`)", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            await stopLocker.CancelAsync();
            await locker;
        }
    }

    [Fact]
    public async Task Resume_skips_files_already_restored()
    {
        var rule = new RestoreRule { Paths = [history.DataPath] };
        await RestoreAsync(rule);
        var options = new ResticRestoreOptions(Target, Path.Combine(_work, "scratch"), EnableCache: false, MaxConnections: null, Priority: null, Resume: true);
        var plan = ResticPlanner.Plan(StashRestoreRequest.For(new ResolvedRule(0, rule, "host-0"), history.Repository.ToRepository(), history.Repository.Secret), options, history.Repository.Restic);
        var summary = await new ResticRestoreRunner(new ProcessRunner(), _log.Logger, TimeProvider.System, Masker(plan)).RunAsync(plan, CancellationToken.None);
        Assert.True(summary.FilesSkipped >= 8, $"skipped {summary.FilesSkipped}, restored {summary.FilesRestored}");
        TestTree.AssertEqual(history.Expected["v2"], RestoredData);
    }
}

/// <summary>One snapshot of 96 MiB in 24 files: big enough that a restore takes a noticeable moment.</summary>
public sealed class BigSnapshot : IAsyncLifetime
{
    public const long TotalBytes = 24L * 4 * 1024 * 1024;

    internal TestRepository Repository { get; private set; } = null!;

    internal string DataPath { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Repository = await TestRepository.CreateAsync();
        DataPath = Path.Combine(Repository.Root, "src", "big");
        var tree = TestTree.At(DataPath);
        for (var i = 0; i < 24; i++)
            tree.RandomFile($"part-{i:00}.bin", 4 * 1024 * 1024, i);
        await Repository.BackupAsync("host-0", new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), DataPath);
    }

    public Task DisposeAsync()
    {
        Repository.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Stopping a real restic restore, and restic under nice/ionice.</summary>
public sealed class ResticRestoreControlTests(BigSnapshot snapshot) : IClassFixture<BigSnapshot>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("stash-restic-control-").FullName;
    private readonly LogCapture _log = new();

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private ResticPlan Plan(string target, ProcessPriority? priority = null) =>
        ResticPlanner.Plan(
            StashRestoreRequest.For(new ResolvedRule(0, new RestoreRule { Paths = [snapshot.DataPath] }, "host-0"), snapshot.Repository.ToRepository(), snapshot.Repository.Secret),
            new ResticRestoreOptions(target, Path.Combine(_work, "scratch"), EnableCache: false, MaxConnections: null, Priority: priority),
            snapshot.Repository.Restic);

    [Fact]
    public async Task Cancelling_stops_restic_and_is_not_reported_as_success()
    {
        var target = Path.Combine(_work, "cancelled");
        var plan = Plan(target);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var runner = new ResticRestoreRunner(new ProcessRunner(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)), _log.Logger, TimeProvider.System, ResticRestoreIntegrationTests.Masker(plan));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(plan, cts.Token));
        // restic handles SIGINT itself: it is gone long before the SIGKILL step.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.DoesNotContain(_log.Lines, l => l.Contains("restic: restored path", StringComparison.Ordinal));
        // restic really was stopped part-way: not all the data is there.
        var restored = Directory.Exists(target) ? TestTree.Read(target).Values.Sum(e => e.Size) : 0;
        Assert.True(restored < BigSnapshot.TotalBytes, $"restored {restored} bytes");
    }

    [Fact]
    public async Task Restore_under_nice_and_ionice_restores_the_data()
    {
        var target = Path.Combine(_work, "niced");
        var plan = Plan(target, new ProcessPriority(10, 3, null));
        var summary = await new ResticRestoreRunner(new ProcessRunner(), _log.Logger, TimeProvider.System, ResticRestoreIntegrationTests.Masker(plan)).RunAsync(plan, CancellationToken.None);
        Assert.Equal(BigSnapshot.TotalBytes, summary.BytesRestored);
        TestTree.AssertEqual(snapshot.DataPath, target + snapshot.DataPath);
    }
}
