using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Restic;

/// <summary>
/// The restored-entry counter against real restic and a real repository: it lists the restored snapshot
/// (<c>restic ls --json</c>) and counts what is under the target, as restic 0.14–0.16 leave it to.
/// </summary>
public sealed class RestoredEntryCounterTests : IAsyncLifetime
{
    private TestRepository _repository = null!;
    private TestSnapshot _snapshot = null!;
    private string _data = "";
    private readonly LogCapture _log = new();

    public async Task InitializeAsync()
    {
        _repository = await TestRepository.CreateAsync();
        _data = Path.Combine(_repository.Root, "src", "data");
        TestTree.At(_data).Mixed("count");
        _snapshot = await _repository.BackupAsync("host-0", new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), _data);
    }

    public Task DisposeAsync()
    {
        _repository.Dispose();
        return Task.CompletedTask;
    }

    private ResticPlan Plan(string target, ResticInstallation restic, Dictionary<string, string>? secret = null) =>
        ResticPlanner.Plan(
            StashRestoreRequest.For(new ResolvedRule(0, new RestoreRule { Paths = [_data] }, "host-0"), _repository.ToRepository(), secret ?? _repository.Secret),
            new ResticRestoreOptions(target, Path.Combine(_repository.Root, "scratch"), EnableCache: false, MaxConnections: null, Priority: null),
            restic);

    private RestoredEntryCounter Counter()
    {
        var masker = new SecretMasker();
        masker.Add(_repository.Password);
        return new RestoredEntryCounter(new ProcessRunner(), _log.Logger, masker);
    }

    /// <summary>restic restores the snapshot without blobs/ (as an exclude would), so the counter must not count what the snapshot has and the target lacks.</summary>
    private async Task<string> RestoreWithoutBlobsAsync(string name)
    {
        var target = _repository.CreateDirectory(name);
        await _repository.RunResticAsync("restore", _snapshot.Id, "--target", target, "--exclude", "blobs");
        Assert.False(Directory.Exists(Path.Combine(target + _data, "blobs")));
        return target;
    }

    /// <summary>What is under the target: entries that are not directories, directories, bytes of files.</summary>
    private static RestoredCount OnDisk(string target)
    {
        var tree = TestTree.Read(target);
        return new RestoredCount(tree.Values.Count(e => e.Kind != "dir"), tree.Values.Count(e => e.Kind == "dir"), tree.Values.Where(e => e.Kind == "file").Sum(e => e.Size));
    }

    [Fact]
    public async Task With_restic_0_18_the_named_snapshot_is_counted_as_it_lies_in_the_target()
    {
        var target = await RestoreWithoutBlobsAsync("target-018");
        var plan = Plan(target, _repository.Restic);

        var count = await Counter().CountAsync(plan, plan.Invocations[0], _snapshot.Id, CancellationToken.None);

        Assert.Equal(OnDisk(target), count);
        // The tree's 8 files and 2 symlinks (one dangling) without the blob, which restic left out.
        Assert.Equal(10, count!.Value.Files);
        Assert.True(count.Value.Bytes < 300_000, $"counted {count.Value.Bytes} bytes: the excluded blob was counted");
    }

    [RequiresToolFact(TestTool.Restic014)]
    public async Task With_restic_0_14_the_newest_snapshot_of_the_host_is_found_and_counted()
    {
        var target = await RestoreWithoutBlobsAsync("target-014");
        var restic014 = new ResticInstallation(TestTools.Restic014, new Version(0, 14, 0));
        var plan = Plan(target, restic014);

        // restic 0.14 names no snapshot in its output: the counter lists the snapshots (0.14's own JSON) to find it.
        var count = await Counter().CountAsync(plan, plan.Invocations[0], restoredSnapshot: null, CancellationToken.None);

        Assert.Equal(OnDisk(target), count);
        Assert.Contains(_log.Lines, l => l.Contains($"counted 10 files and {OnDisk(target).Directories} directories restored from snapshot {_snapshot.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_listing_restic_refuses_is_a_warning_with_restics_reason_and_no_count()
    {
        var target = _repository.CreateDirectory("target-refused");
        var plan = Plan(target, _repository.Restic, new Dictionary<string, string> { [ResticBackends.PasswordKey] = "not-the-password" });

        var count = await Counter().CountAsync(plan, plan.Invocations[0], _snapshot.Id, CancellationToken.None);

        Assert.Null(count);
        var warning = Assert.Single(_log.Lines, l => l.StartsWith("Warning: ", StringComparison.Ordinal));
        Assert.StartsWith($"Warning: Could not count the files restored from snapshot {_snapshot.Id}: restic ls exited 12: ", warning, StringComparison.Ordinal);
        Assert.Contains("wrong password or no key found", warning, StringComparison.Ordinal);
    }
}
