using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>What <c>update-status</c> recorded, and the exit code that follows from it.</summary>
/// <param name="Hosts">The hosts whose entries were written, in the file's order.</param>
/// <param name="FailedHosts">Those whose entry says Failed.</param>
internal sealed record StatusUpdateOutcome(IReadOnlyList<string> Hosts, IReadOnlyList<string> FailedHosts)
{
    /// <summary>
    /// 0 when every host restored. A host recorded Failed exits 1 (restore failed) — Stash's own
    /// update-status exits 0 and only logs — unless a <c>run-hook</c> postRestore container follows: then
    /// the Job's pod runs it only after this container succeeds, so 0 here and the hook's container
    /// reports the restore's outcome. Either way nothing is lost, and a failed restore leaves a failed
    /// Job, which the operator keeps (it deletes succeeded Jobs) with its logs.
    /// </summary>
    public int ExitCode(bool postRestoreHookFollows) =>
        FailedHosts.Count == 0 || postRestoreHookFollows ? ExitCodes.Success : ExitCodes.RestoreFailed;
}

/// <summary>
/// <c>update-status</c>, the restore Job's container after <c>restore-pvc</c> (SPEC §15): each host
/// entry of <c>output.json</c> upserted into the RestoreSession's <c>status.stats[]</c> by host name,
/// an Event per host and the host's metrics pushed — the same store, Events and metrics as
/// <c>restore</c> writes.
/// </summary>
internal sealed class StashStatusUpdate(IHostStatusStore status, IRestoreEventRecorder events, IRestoreMetricsPublisher? metrics, ILogger log)
{
    /// <param name="output">Read and checked by <see cref="RestoreOutputFile.Read"/>.</param>
    public async Task<StatusUpdateOutcome> RecordAsync(RestoreOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var hosts = new List<string>();
        var failed = new List<string>();
        foreach (var entry in output.TargetStatus.Stats ?? [])
        {
            var host = entry.Hostname!;
            var unit = new RestoreUnit(StashHostRestore.UnitKind, host);
            var hostLog = log.ForHost(host);
            // Only the schema's fields: nothing foreign from the file reaches the session.
            await status.UpsertAsync(new HostRestoreStats { Hostname = host, Phase = entry.Phase, Duration = entry.Duration, Error = entry.Error }, cancellationToken);
            hosts.Add(host);
            var duration = GoDuration.TryParse(entry.Duration, out var elapsed) ? elapsed : TimeSpan.Zero;
            if (entry.Phase == HostPhase.Failed)
            {
                failed.Add(host);
                var error = entry.Error ?? "no error was recorded";
                hostLog.Error("Recorded {Unit:l} Failed: {Error:l}", unit.ToString(), error);
                await events.RecordAsync(StashHostRestore.Reasons.Failure(unit, error), cancellationToken);
            }
            else
            {
                var message = $"Restored {unit} in {entry.Duration ?? "?"}";
                hostLog.Information("Recorded {Unit:l} {Phase:l} ({Duration:l})", unit.ToString(), entry.Phase, entry.Duration ?? "no duration");
                if (entry.Phase == HostPhase.Succeeded)
                    await events.RecordAsync(StashHostRestore.Reasons.Success(message), cancellationToken);
            }
            if (metrics is not null)
                await metrics.PublishAsync(new UnitRestoreReport(host, entry.Phase!, duration, entry.Error, FilesRestored: null, BytesRestored: null), cancellationToken);
        }
        return new StatusUpdateOutcome(hosts, failed);
    }
}
