using Stash.Restore.Core.Engine;

namespace Stash.Restore.Core.Metrics;

/// <summary>The metrics one host's restore pushes (SPEC §10), as a Prometheus text body.</summary>
internal static class RestoreMetrics
{
    public const string Success = "stash_restore_host_restore_success";
    public const string DurationSeconds = "stash_restore_host_restore_duration_seconds";
    public const string FilesRestored = "stash_restore_host_restore_files_restored";
    public const string BytesRestored = "stash_restore_host_restore_bytes_restored";

    // The names Stash's own executor pushed, kept so existing dashboards and alerts keep working.
    public const string StashSuccess = "stash_appscode_com_restoresession_host_restore_success";
    public const string StashDurationSeconds = "stash_appscode_com_restoresession_host_restore_duration_seconds";

    public const string SucceededPhase = "Succeeded";

    /// <summary>The body to push for <paramref name="report"/>, labelled with <paramref name="labels"/> and the report's host.</summary>
    public static string Format(RestoreMetricsLabels labels, UnitRestoreReport report)
    {
        KeyValuePair<string, string>[] sampleLabels =
        [
            new("invoker_kind", labels.InvokerKind),
            new("invoker_name", labels.InvokerName),
            new("namespace", labels.Namespace),
            new("driver", labels.Driver),
            new("repository", labels.Repository),
            new("kind", labels.TargetKind),
            new("group", labels.TargetGroup),
            new("name", labels.TargetName),
            new("hostname", report.Unit),
            .. labels.UserLabels,
        ];
        var success = string.Equals(report.Phase, SucceededPhase, StringComparison.Ordinal) ? 1 : 0;
        var seconds = report.Duration.TotalSeconds;

        var text = new PrometheusTextFormat()
            .Gauge(Success, "Whether the restore of this host succeeded (1) or failed (0).", sampleLabels, success)
            .Gauge(DurationSeconds, "How long the restore of this host took, in seconds.", sampleLabels, seconds);
        // Unknown counts are left out rather than pushed as 0: a dashboard would read "nothing restored".
        if (report.FilesRestored is { } files)
            text.Gauge(FilesRestored, "Files restic restored on this host.", sampleLabels, files);
        if (report.BytesRestored is { } bytes)
            text.Gauge(BytesRestored, "Bytes restic restored on this host.", sampleLabels, bytes);
        return text
            .Gauge(StashSuccess, "Whether the restore of this host succeeded (1) or failed (0); Stash's name.", sampleLabels, success)
            .Gauge(StashDurationSeconds, "How long the restore of this host took, in seconds; Stash's name.", sampleLabels, seconds)
            .ToString();
    }
}
