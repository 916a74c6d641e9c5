using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;
using static Stash.Restore.Core.Tests.Fakes.FakeRun;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>
/// What a restore put in place when restic does not say (before 0.17): the restored snapshot listed with
/// <c>restic ls --json</c> and each entry looked for under the target. Output as restic 0.16 prints it.
/// </summary>
public sealed class RestoredEntryCounterTests : IDisposable
{
    private const string Password = "counter-secret-pw";
    private const string Snapshot2 = "2222222222222222222222222222222222222222222222222222222222222222";
    private readonly string _target = Directory.CreateTempSubdirectory("entry-counter-").FullName;
    private readonly CollectingSink _log = new();
    private readonly SecretMasker _masker = new();

    public RestoredEntryCounterTests() => _masker.Add(Password);

    public void Dispose() => Directory.Delete(_target, recursive: true);

    private ResticPlan Plan()
    {
        var env = new Dictionary<string, string?> { ["RESTIC_PASSWORD"] = Password };
        var call = new ResticInvocation("path /data of host host-7 (latest snapshot)", new ProcessSpec("/usr/bin/restic", ["restore", "latest"], env)) { Path = "/data", Host = "host-7" };
        return new ResticPlan("local:/repo", [call])
        {
            ListSnapshots = new ProcessSpec("/usr/bin/restic", ["snapshots", "--json", "--cache-dir", "/scratch/restic-cache"], env),
            Installation = new ResticInstallation("/usr/bin/restic", new Version(0, 16, 4)),
            Options = new ResticRestoreOptions(_target, "/scratch", true, null, null),
        };
    }

    private RestoredEntryCounter Counter(FakeProcessRunner processes) => new(processes, _log.Logger(), _masker);

    private static readonly (OutputStream, string)[] Listing =
    [
        Out("""{"time":"2026-11-02T10:00:00Z","paths":["/data"],"hostname":"host-7","id":"2222","struct_type":"snapshot"}"""),
        Out("""{"name":"data","type":"dir","path":"/data","struct_type":"node"}"""),
        Out("""{"name":"a","type":"dir","path":"/data/a","struct_type":"node"}"""),
        Out("""{"name":"y","type":"file","path":"/data/a/y","size":3,"struct_type":"node"}"""),
        Out("""{"name":"x","type":"file","path":"/data/x","size":5,"struct_type":"node"}"""),
        Out("""{"name":"link","type":"symlink","path":"/data/link","linktarget":"x","struct_type":"node"}"""),
        Out("""{"name":"skipped","type":"dir","path":"/data/skipped","struct_type":"node"}"""),
        Out("""{"name":"z","type":"file","path":"/data/skipped/z","size":1000,"struct_type":"node"}"""),
    ];

    /// <summary>What an <c>--exclude /data/skipped</c> restore leaves under the target.</summary>
    private void RestoredTree()
    {
        Directory.CreateDirectory(Path.Combine(_target, "data/a"));
        File.WriteAllText(Path.Combine(_target, "data/x"), "12345");
        File.WriteAllText(Path.Combine(_target, "data/a/y"), "123");
        File.CreateSymbolicLink(Path.Combine(_target, "data/link"), "x");
    }

    [Fact]
    public async Task The_snapshot_restic_named_is_listed_and_only_what_is_under_the_target_counts()
    {
        RestoredTree();
        var processes = new FakeProcessRunner().Then(new FakeRun(0, Listing));
        var plan = Plan();

        var count = await Counter(processes).CountAsync(plan, plan.Invocations[0], Snapshot2, CancellationToken.None);

        // data, data/a; x, y and the symlink; the bytes of files. The excluded directory and its file are absent.
        Assert.Equal(new RestoredCount(3, 2, 8), count);
        var ls = Assert.Single(processes.Calls);
        Assert.Equal(["ls", "--json", Snapshot2, "--cache-dir", "/scratch/restic-cache"], ls.Arguments);
        Assert.Equal("/usr/bin/restic", ls.FileName);
        Assert.Equal(Password, ls.Environment["RESTIC_PASSWORD"]);
    }

    [Fact]
    public async Task Without_restics_word_the_newest_snapshot_of_the_calls_host_with_its_path_is_the_one_counted()
    {
        RestoredTree();
        var processes = new FakeProcessRunner()
            .Then(new FakeRun(0, Out($$"""[{"time":"2026-11-01T10:00:00Z","hostname":"host-7","paths":["/data"],"id":"1111","short_id":"11111111"},{"time":"2026-11-02T10:00:00Z","hostname":"host-7","paths":["/data"],"id":"{{Snapshot2}}","short_id":"22222222"},{"time":"2026-11-03T10:00:00Z","hostname":"host-8","paths":["/data"],"id":"3333","short_id":"33333333"},{"time":"2026-11-04T10:00:00Z","hostname":"host-7","paths":["/other"],"id":"4444","short_id":"44444444"}]""")))
            .Then(new FakeRun(0, Listing));
        var plan = Plan();

        var count = await Counter(processes).CountAsync(plan, plan.Invocations[0], restoredSnapshot: null, CancellationToken.None);

        Assert.Equal(new RestoredCount(3, 2, 8), count);
        Assert.Equal(["snapshots", "--json", "--cache-dir", "/scratch/restic-cache"], processes.Calls[0].Arguments);
        Assert.Equal(["ls", "--json", Snapshot2, "--cache-dir", "/scratch/restic-cache"], processes.Calls[1].Arguments);
    }

    [Fact]
    public async Task A_snapshot_call_lists_its_own_snapshot()
    {
        RestoredTree();
        var processes = new FakeProcessRunner().Then(new FakeRun(0, Listing));
        var plan = Plan();
        var call = plan.Invocations[0] with { Path = null, Host = null, SnapshotId = "22222222" };

        Assert.Equal(new RestoredCount(3, 2, 8), await Counter(processes).CountAsync(plan, call, null, CancellationToken.None));
        Assert.Equal(["ls", "--json", "22222222", "--cache-dir", "/scratch/restic-cache"], Assert.Single(processes.Calls).Arguments);
    }

    [Fact]
    public async Task A_listing_that_fails_is_a_masked_warning_and_no_count()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(1, Err($"Fatal: unable to open repository at rest:http://user:{Password}@127.0.0.1:1/: connection refused")));
        var plan = Plan();

        Assert.Null(await Counter(processes).CountAsync(plan, plan.Invocations[0], Snapshot2, CancellationToken.None));

        Assert.Equal(
            $"Warning: Could not count the files restored from snapshot {Snapshot2}: restic ls exited 1: unable to open repository at rest:http://user:***@127.0.0.1:1/: connection refused",
            Assert.Single(_log.Lines));
    }

    [Fact]
    public async Task When_the_restored_snapshot_cannot_be_found_restics_own_counts_stand_and_that_is_said()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(1, Err("Fatal: wrong password or no key found")));
        var plan = Plan();

        Assert.Null(await Counter(processes).CountAsync(plan, plan.Invocations[0], null, CancellationToken.None));

        Assert.Equal(["snapshots", "--json", "--cache-dir", "/scratch/restic-cache"], Assert.Single(processes.Calls).Arguments);
        Assert.Contains("Warning: restic 0.16.4 does not count files apart from directories and the restored snapshot is unknown", _log.Text, StringComparison.Ordinal);
    }
}
