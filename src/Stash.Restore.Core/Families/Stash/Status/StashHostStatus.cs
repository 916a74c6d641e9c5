using System.Globalization;
using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>A Stash host's status as the engine sees it: its <c>status.stats[]</c> entry and the hook conditions.</summary>
/// <param name="progressLog">
/// Where progress goes: <c>stash.appscode.com/v1beta1</c> has no progress field in <c>status.stats[]</c>; null
/// when a terminal shows it live instead.
/// </param>
internal sealed class StashHostStatus(IHostStatusStore store, string host, TimeProvider clock, ILogger? progressLog) : IUnitStatus
{
    public async Task<string?> GetPhaseAsync(CancellationToken cancellationToken) =>
        (await store.GetAsync(host, cancellationToken))?.Phase;

    public Task WriteAsync(UnitStatusEntry entry, CancellationToken cancellationToken) =>
        store.UpsertAsync(new HostRestoreStats { Hostname = host, Phase = entry.Phase, Duration = entry.Duration, Error = entry.Error }, cancellationToken);

    /// <summary>One info line per throttled update: the schema would prune a progress field, and users asked for progress.</summary>
    public Task ReportProgressAsync(UnitProgress progress, CancellationToken cancellationToken)
    {
        progressLog?.Information("Restoring: {Progress:l}", Describe(progress));
        return Task.CompletedTask;
    }

    public Task RecordHookAsync(HookStage stage, HookResult result, CancellationToken cancellationToken) =>
        store.SetConditionAsync(StashHookConditions.Condition(stage, result, host, clock), cancellationToken);

    /// <summary><c>42.00% (210.0 MiB of 500.0 MiB, 1,234 of 5,000 files/dirs, 12.3 MiB/s)</c>; restic counts directories with files while it runs.</summary>
    internal static string Describe(UnitProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var skipped = progress.FilesSkipped > 0
            ? string.Create(CultureInfo.InvariantCulture, $", {progress.FilesSkipped:N0} unchanged files skipped")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{progress.Fraction * 100:0.00}% ({HumanReadable.Bytes(progress.BytesDone)} of {HumanReadable.Bytes(progress.TotalBytes)}, {progress.FilesDone:N0} of {progress.TotalFiles:N0} files/dirs, {HumanReadable.Bytes((long)progress.BytesPerSecond)}/s{skipped})");
    }
}
