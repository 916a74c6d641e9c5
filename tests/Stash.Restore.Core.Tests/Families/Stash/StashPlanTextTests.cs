using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>What <c>restore --dry-run</c> prints for a Stash host, and for several hosts (<c>--hosts</c>), as text.</summary>
public sealed class StashPlanTextTests
{
    private static RestorePlanReport Plan(IReadOnlyList<PlannedResticCall> calls, IReadOnlyList<PlannedHook> hooks) =>
        new("RestoreSession demo/sts-restore", "host-3", 0, "spec.target.rules[0]", "host-1", "/restore", "/tmp/scratch", "0.18.1", calls, hooks, null);

    [Fact]
    public void A_plan_lists_rule_directories_hooks_and_each_call_with_shell_quoted_argv_and_what_it_would_change()
    {
        var call = new PlannedResticCall("latest of /data of host host-1", ["restic", "restore", "latest", "--host", "host-1", "--include", "/data/my file", "--exclude", "it's"], ["GOMAXPROCS", "RESTIC_PASSWORD"])
        {
            EnvironmentValues = new Dictionary<string, string> { ["GOMAXPROCS"] = "2" },
            Changes = new TargetChanges(Restored: 3, Updated: 1, Unchanged: 2, Deleted: 0, Bytes: 2048),
        };
        var plan = Plan([call], [new PlannedHook("postRestore", "exec", "app", "Always")]) with { Mirror = true };

        Assert.Equal(
            """
            Dry run for RestoreSession demo/sts-restore — nothing will be restored or written.
              host:            host-3
              rule:            spec.target.rules[0] (source host host-1)
              target dir:      /restore
              scratch dir:     /tmp/scratch
              restic version:  0.18.1
              mirror:          yes (stash-restore/mirror): what the snapshot lacks under each restored path is deleted
              postRestore hook: exec in container app (executionPolicy Always)
              restic call 1: latest of /data of host host-1
                argv: restic restore latest --host host-1 --include '/data/my file' --exclude 'it'\''s'
                env:  GOMAXPROCS=2 RESTIC_PASSWORD
                target now: 3 new, 1 updated, 2 unchanged, 0 deleted file(s); 2.0 KiB to write

            """.ReplaceLineEndings(Environment.NewLine),
            StashPlanText.Render(plan));
    }

    [Fact]
    public void A_call_without_changes_says_why_the_target_was_not_previewed()
    {
        var plan = Plan([new PlannedResticCall("snapshot 1a2b3c4d", ["restic", "restore", "1a2b3c4d"], [])], []) with { PreviewNote = "not asked (--preview=false)" };

        var lines = StashPlanText.Render(plan).Split(Environment.NewLine);

        Assert.Contains("  mirror:          no", lines);
        Assert.Contains("    target now: not asked (--preview=false)", lines);
    }

    [Fact]
    public void A_host_no_rule_matches_shows_only_why_nothing_would_be_restored()
    {
        var plan = new RestorePlanReport("RestoreSession demo/sts-restore", "host-7", null, null, null, "/restore", "/tmp/scratch", null, [], [],
            "no restore rule matches host \"host-7\": nothing would be restored");

        Assert.Equal(
            """
            Dry run for RestoreSession demo/sts-restore — nothing will be restored or written.
              host:            host-7
              result:          no restore rule matches host "host-7": nothing would be restored

            """.ReplaceLineEndings(Environment.NewLine),
            StashPlanText.Render(plan));
    }

    [Fact]
    public void The_hosts_preview_is_one_aligned_row_per_host_and_call_with_the_target_shown_for_the_local_host_only()
    {
        var snapshot = new PreviewedSnapshot("1a2b3c4d5e6f", "1a2b3c4d", "host-1", ["/data"], "2026-11-01T10:00:00Z");
        var preview = new HostsPreviewReport("RestoreSession demo/sts-restore", "local:/repo",
        [
            new PreviewedHost("host-0", "spec.target.rules[1]", 1, "host-0", [new PreviewedCall("path /data of host host-0 (latest snapshot)", "/data", null, null, "no snapshot of host host-0 has path /data")], null),
            new PreviewedHost("host-3", "spec.target.rules[0]", 0, "host-1",
                [new PreviewedCall("path /data of host host-1 (latest snapshot)", "/data", null, snapshot, null) { Changes = new TargetChanges(1, 0, 0, 0, 10) }], null) { TargetIsLocal = true },
            new PreviewedHost("host-7", null, null, null, [], "no restore rule matches host \"host-7\": nothing would be restored"),
        ]);

        Assert.Equal(
            """
            Dry run for RestoreSession demo/sts-restore, 3 host(s), repository local:/repo — nothing will be restored or written.
            HOST    RULE                  SOURCE HOST  RESTORES                                     TARGET NOW                                                       SNAPSHOT NOW
            host-0  spec.target.rules[1]  host-0       path /data of host host-0 (latest snapshot)  -                                                                no snapshot of host host-0 has path /data
            host-3  spec.target.rules[0]  host-1       path /data of host host-1 (latest snapshot)  1 new, 0 updated, 0 unchanged, 0 deleted file(s); 10 B to write  1a2b3c4d of host-1 at 2026-11-01T10:00:00Z
            host-7  -                     -            -                                            -                                                                no restore rule matches host "host-7": nothing would be restored

            """.ReplaceLineEndings(Environment.NewLine),
            StashPlanText.Render(preview));
    }
}
