using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Metrics;

namespace Stash.Restore.Core.Tests.Metrics;

/// <summary>The metrics a unit's restore pushes: names, labels, values, the samples left out when unknown.</summary>
public sealed class RestoreMetricsTests
{
    internal static readonly RestoreMetricsLabels Labels = new(
        InvokerKind: "RestoreSession",
        InvokerName: "sts-restore",
        Namespace: "demo",
        Driver: "Restic",
        Repository: "gcs-repo",
        TargetKind: "StatefulSet",
        TargetGroup: "apps",
        TargetName: "sts");

    private const string HostLabels =
        "{invoker_kind=\"RestoreSession\",invoker_name=\"sts-restore\",namespace=\"demo\",driver=\"Restic\","
        + "repository=\"gcs-repo\",kind=\"StatefulSet\",group=\"apps\",name=\"sts\",hostname=\"host-1\"}";

    [Fact]
    public void SucceededHostGivesEveryMetricWithTypeLinesAndLabels()
    {
        var report = new UnitRestoreReport("host-1", "Succeeded", TimeSpan.FromMilliseconds(2500), null, 120, 1048576);

        var body = RestoreMetrics.Format(Labels, report);

        Assert.Equal(
            [
                "# HELP stash_restore_host_restore_success Whether the restore of this host succeeded (1) or failed (0).",
                "# TYPE stash_restore_host_restore_success gauge",
                "stash_restore_host_restore_success" + HostLabels + " 1",
                "# HELP stash_restore_host_restore_duration_seconds How long the restore of this host took, in seconds.",
                "# TYPE stash_restore_host_restore_duration_seconds gauge",
                "stash_restore_host_restore_duration_seconds" + HostLabels + " 2.5",
                "# HELP stash_restore_host_restore_files_restored Files restic restored on this host.",
                "# TYPE stash_restore_host_restore_files_restored gauge",
                "stash_restore_host_restore_files_restored" + HostLabels + " 120",
                "# HELP stash_restore_host_restore_bytes_restored Bytes restic restored on this host.",
                "# TYPE stash_restore_host_restore_bytes_restored gauge",
                "stash_restore_host_restore_bytes_restored" + HostLabels + " 1048576",
                "# HELP stash_appscode_com_restoresession_host_restore_success Whether the restore of this host succeeded (1) or failed (0); Stash's name.",
                "# TYPE stash_appscode_com_restoresession_host_restore_success gauge",
                "stash_appscode_com_restoresession_host_restore_success" + HostLabels + " 1",
                "# HELP stash_appscode_com_restoresession_host_restore_duration_seconds How long the restore of this host took, in seconds; Stash's name.",
                "# TYPE stash_appscode_com_restoresession_host_restore_duration_seconds gauge",
                "stash_appscode_com_restoresession_host_restore_duration_seconds" + HostLabels + " 2.5",
                "",
            ],
            body.Split('\n'));
    }

    [Theory]
    [InlineData("Failed")]
    [InlineData("Unknown")]
    [InlineData("Running")]
    public void AnyPhaseButSucceededIsZeroSuccess(string phase)
    {
        var report = new UnitRestoreReport("host-1", phase, TimeSpan.FromTicks(8844317), "restic exited 1", 0, 0);

        var lines = RestoreMetrics.Format(Labels, report).Split('\n');

        Assert.Contains("stash_restore_host_restore_success" + HostLabels + " 0", lines);
        Assert.Contains("stash_appscode_com_restoresession_host_restore_success" + HostLabels + " 0", lines);
        Assert.Contains("stash_restore_host_restore_duration_seconds" + HostLabels + " 0.8844317", lines);
    }

    [Fact]
    public void LabelValuesEscapeBackslashQuoteAndNewline()
    {
        var labels = Labels with { Repository = "repo\\with\"quote\nand newline" };
        var report = new UnitRestoreReport("host-0", "Succeeded", TimeSpan.FromSeconds(1), null, 1, 1);

        var body = RestoreMetrics.Format(labels, report);

        Assert.Contains("repository=\"repo\\\\with\\\"quote\\nand newline\"", body, StringComparison.Ordinal);
        // Every sample stays on its own line: 6 metrics × (HELP, TYPE, sample).
        Assert.Equal(18, body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Unknown_file_and_byte_counts_are_left_out_rather_than_pushed_as_zero()
    {
        var body = RestoreMetrics.Format(Labels, new UnitRestoreReport("host-1", "Failed", TimeSpan.FromSeconds(3), "boom", null, null));

        Assert.DoesNotContain("files_restored", body, StringComparison.Ordinal);
        Assert.DoesNotContain("bytes_restored", body, StringComparison.Ordinal);
        Assert.Contains("stash_restore_host_restore_success" + HostLabels + " 0\n", body, StringComparison.Ordinal);
        Assert.Contains("stash_appscode_com_restoresession_host_restore_duration_seconds" + HostLabels + " 3\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public void User_labels_follow_the_executors_own_and_cannot_replace_them()
    {
        var user = RestoreMetricsLabels.ParseUserLabels(["team=db", "hostname=evil", "a=b=c", "9x=1", "__name__=x", "team=storage", "env=prod"], out var rejected);

        Assert.Equal(["hostname=evil", "a=b=c", "9x=1", "__name__=x"], rejected);
        var body = RestoreMetrics.Format(Labels with { UserLabels = user }, new UnitRestoreReport("host-1", "Succeeded", TimeSpan.FromSeconds(1), null, 1, 2));
        Assert.Contains("stash_restore_host_restore_success" + HostLabels[..^1] + ",team=\"storage\",env=\"prod\"} 1\n", body, StringComparison.Ordinal);
    }
}
