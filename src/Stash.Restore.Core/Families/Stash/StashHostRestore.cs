using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// The Stash family's restore of one host (SPEC §4–§9): resolve the host → resolve its rule →
/// (no rule: record it and stop) → hand the host to the engine as a unit.
/// </summary>
internal sealed class StashHostRestore(RestoreParts<IHostStatusStore> parts, RestoreSettings settings, Interruption interruption)
{
    public const string UnitKind = "host";
    public static readonly UnitEventReasons Reasons = new("HostRestoreSucceeded", "HostRestoreFailed");

    /// <param name="inputs">Loaded and validated by <see cref="StashInputs.LoadAsync"/>.</param>
    public async Task<UnitOutcome> RestoreAsync(StashInputs inputs, CancellationToken cancellationToken)
    {
        var session = inputs.Session;
        var host = HostIdentity.Resolve(session.Spec.Target, inputs.Pod, inputs.HostOverride);
        var unit = new RestoreUnit(UnitKind, host);
        var log = parts.Log.ForHost(host);
        // A terminal shows progress live; only without one does it become log lines.
        var status = new StashHostStatus(parts.Status, host, parts.Clock, parts.LiveProgress is null ? log : null);

        var rule = RuleResolver.Resolve(session, host);
        if (rule is null)
            return await NothingToRestoreAsync(unit, status, log, cancellationToken);

        var job = StashHostJob.For(inputs, unit, rule, settings, parts.Clock);
        var engine = new UnitRestorePipeline(parts.ForUnit(status), interruption);
        return await engine.RestoreAsync(job, log, cancellationToken);
    }

    private async Task<UnitOutcome> NothingToRestoreAsync(RestoreUnit unit, StashHostStatus status, ILogger log, CancellationToken cancellationToken)
    {
        var message = $"No restore rule matched host \"{unit.Name}\"; nothing restored";
        log.Warning("{Message:l}", message);
        await status.WriteAsync(new UnitStatusEntry(UnitPhase.Succeeded, "0s"), cancellationToken);
        await parts.Events.RecordAsync(new RestoreEvent(RestoreEventType.Normal, "NoRuleMatched", message), cancellationToken);
        return new UnitOutcome(unit, UnitPhase.Succeeded, ExitCodes.Success, null, "no rule matched");
    }
}
