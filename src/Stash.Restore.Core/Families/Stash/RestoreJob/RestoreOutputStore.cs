using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// <c>restore-pvc</c>'s status: the host's final entry goes to <c>&lt;output-dir&gt;/output.json</c>,
/// for the <c>update-status</c> container to record, as in Stash's restore Job. The RestoreSession
/// itself is not written here.
/// </summary>
/// <param name="outputDirectory"><c>--output-dir</c>; null: nothing is written (the exit code tells).</param>
/// <param name="target">The restored target, the file's <c>targetStatus.ref</c>.</param>
internal sealed class RestoreOutputStore(string? outputDirectory, TargetReference target, IRandomSource random, ILogger log) : IHostStatusStore
{
    /// <summary>The entry last written, whether or not a file was.</summary>
    public HostRestoreStats? Written { get; private set; }

    /// <summary>None: every restore Job restores from scratch, as Stash's does.</summary>
    public Task<HostRestoreStats?> GetAsync(string hostname, CancellationToken cancellationToken) => Task.FromResult<HostRestoreStats?>(null);

    public async Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // A Running entry is not handed on: if this container were killed, update-status would record a
        // host that stays Running for ever. Stash's file likewise holds the final entry only.
        if (entry.Phase == HostPhase.Running)
            return;
        Written = entry;
        if (outputDirectory is null)
            return;
        var output = RestoreOutputFile.For(target, entry.Hostname ?? "", new UnitStatusEntry(entry.Phase ?? HostPhase.Unknown, entry.Duration, entry.Error));
        await RestoreOutputFile.WriteAsync(outputDirectory, output, random, cancellationToken);
        log.Information("Wrote {Phase:l} for host {Hostname:l} to {Path:l}", entry.Phase, entry.Hostname, RestoreOutputFile.PathIn(outputDirectory));
    }

    /// <summary>Never called: the restore Job runs its hooks in their own <c>run-hook</c> containers, which record them.</summary>
    public Task SetConditionAsync(Condition condition, CancellationToken cancellationToken) => Task.CompletedTask;
}
