using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

public sealed class TargetSpaceCheckTests
{
    private const long MiB = 1 << 20;

    private static readonly Dictionary<string, string?> NoEnvironment = [];

    private static readonly TargetFilesystem Data = new("/mnt/data", 1 * MiB);

    private static ResticInvocation PathCall(string path, params string[] extra) =>
        new($"path {path} of host host-0 (latest snapshot)", new ProcessSpec("restic", ["restore", "latest", "--path", path, "--host", "host-0", .. extra], NoEnvironment))
        {
            Path = path,
            Host = "host-0",
        };

    private static ResticPlan Plan(params ResticInvocation[] calls) =>
        new("local:/repo", calls) { Options = new ResticRestoreOptions("/target", "/scratch", false, null, null) };

    private static ResticSnapshot Snapshot(string id, string path, long? bytes) =>
        new(id + "00000000", id, "host-0", [path], DateTimeOffset.UnixEpoch) { TotalBytes = bytes };

    [Fact]
    public void A_snapshot_larger_than_the_free_space_is_refused_naming_the_filesystem_and_both_figures()
    {
        var check = TargetSpaceCheck.For(Plan(PathCall("/data")), [Snapshot("1a2b3c4d", "/data", 30 * MiB)], _ => Data, _ => 0);

        Assert.Equal(
            "not enough space in the target: the filesystem mounted at /mnt/data has 1.0 MiB free; the restore needs 30.0 MiB (snapshot 1a2b3c4d: 30.0 MiB); nothing was written; --skip-space-check restores anyway",
            check.Refusal());
        Assert.Equal("before the restore the filesystem mounted at /mnt/data has 1.0 MiB free; the restore needs 30.0 MiB", check.FiguresFor("path /data of host host-0 (latest snapshot)"));
    }

    [Fact]
    public void Files_already_in_the_target_are_overwritten_in_place_and_count_against_the_need()
    {
        string? asked = null;
        var check = TargetSpaceCheck.For(Plan(PathCall("/data")), [Snapshot("1a2b3c4d", "/data", 3 * MiB)], _ => Data, path =>
        {
            asked = path;
            return 2 * MiB + 512 * 1024;
        });

        Assert.Equal("/target/data", asked);
        Assert.Null(check.Refusal());
        Assert.Equal(512 * 1024, Assert.Single(check.Filesystems).Needed);
    }

    [Fact]
    public void Calls_on_one_filesystem_are_summed()
    {
        var check = TargetSpaceCheck.For(Plan(PathCall("/data"), PathCall("/logs")),
            [Snapshot("1a2b3c4d", "/data", 600 * 1024), Snapshot("5e6f7a8b", "/logs", 600 * 1024)], _ => Data, _ => 0);

        var filesystem = Assert.Single(check.Filesystems);
        Assert.Equal(1200 * 1024, filesystem.Needed);
        Assert.Contains("(snapshot 1a2b3c4d: 600.0 KiB, snapshot 5e6f7a8b: 600.0 KiB)", check.Refusal(), StringComparison.Ordinal);
    }

    [Fact]
    public void Include_or_exclude_leaves_the_call_unchecked_and_says_why()
    {
        var check = TargetSpaceCheck.For(Plan(PathCall("/data", "--exclude", "*.log")), [Snapshot("1a2b3c4d", "/data", 30 * MiB)], _ => Data, _ => 0);

        Assert.Null(check.Refusal());
        Assert.Empty(check.Filesystems);
        Assert.Equal(["path /data of host host-0 (latest snapshot): include/exclude select part of the snapshot, whose size restic does not know before it restores"], check.Unchecked());
        Assert.StartsWith("before the restore the filesystem mounted at /mnt/data had 1.0 MiB free (the restore's size was not known: include/exclude",
            check.FiguresFor("path /data of host host-0 (latest snapshot)"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_without_a_summary_is_unchecked()
    {
        var check = TargetSpaceCheck.For(Plan(PathCall("/data")), [Snapshot("1a2b3c4d", "/data", null)], _ => Data, _ => 0);

        Assert.Null(check.Refusal());
        Assert.Equal(["path /data of host host-0 (latest snapshot): snapshot 1a2b3c4d keeps no size (made by restic before 0.17)"], check.Unchecked());
    }

    [Fact]
    public void A_snapshot_call_uses_the_snapshots_own_paths()
    {
        var call = new ResticInvocation("snapshot 1a2b3c4d", new ProcessSpec("restic", ["restore", "1a2b3c4d"], NoEnvironment)) { SnapshotId = "1a2b3c4d" };
        string? asked = null;
        var check = TargetSpaceCheck.For(Plan(call), [Snapshot("1a2b3c4d", "/var/lib/app", 2 * MiB)], path =>
        {
            asked = path;
            return Data;
        }, _ => 0);

        Assert.Equal("/target/var/lib/app", asked);
        Assert.NotNull(check.Refusal());
    }
}
