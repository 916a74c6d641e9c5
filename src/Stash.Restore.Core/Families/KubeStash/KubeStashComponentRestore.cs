using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>What the command line says about the component and its filters (empty values = unset).</summary>
internal sealed record ComponentRequest(string? Component, string? Include, string? Exclude, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// The KubeStash family's restore of one component (SPEC §13): choose the component → (missing from
/// the Snapshot: record it Failed, exit 1) → hand the component to the engine as a unit.
/// </summary>
internal sealed class KubeStashComponentRestore(RestoreParts<IComponentStatusStore> parts, RestoreSettings settings, Interruption interruption)
{
    /// <summary>The component this run restores, and its filters; refusals are exit 2 before anything is written.</summary>
    public static (ComponentChoice Choice, RestoreFilters Filters) Decide(KubeStashInputs inputs, ComponentRequest request) =>
        (ComponentChoice.Choose(request.Component, request.Environment, inputs.Session, inputs.Snapshot),
         RestoreFilters.Resolve(request.Include, request.Exclude, inputs.Session));

    public async Task<UnitOutcome> RestoreAsync(KubeStashInputs inputs, ComponentRequest request, CancellationToken cancellationToken)
    {
        var (choice, filters) = Decide(inputs, request);
        var unit = new RestoreUnit(KubeStashComponentJob.UnitKind, choice.Name);
        var log = parts.Log.ForContext("Component", choice.Name);
        log.Information("Component {Component:l} chosen by {ChosenBy:l}; {Snapshot:l} chosen by {SnapshotChosenBy:l}",
            choice.Name, choice.ChosenBy, inputs.Snapshot.Describe(), inputs.SnapshotChosenBy);
        var status = new KubeStashComponentStatus(parts.Status, choice.Name);

        if (choice.MissingFrom(inputs.Snapshot) is { } missing)
            return await MissingAsync(unit, status, missing, log, cancellationToken).ConfigureAwait(false);

        var job = KubeStashComponentJob.For(inputs, unit, filters, settings, parts.Clock);
        var engine = new UnitRestorePipeline(parts.ForUnit(status), interruption);
        return await engine.RestoreAsync(job, log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A component the Snapshot lacks is the component's failure, visible in its status entry (exit 1).</summary>
    private async Task<UnitOutcome> MissingAsync(RestoreUnit unit, KubeStashComponentStatus status, string error, ILogger log, CancellationToken cancellationToken)
    {
        log.Error("Restore of {Unit:l} failed: {Error:l}", unit.ToString(), error);
        await status.WriteAsync(new UnitStatusEntry(UnitPhase.Failed, "0s", error), cancellationToken).ConfigureAwait(false);
        await parts.Events.RecordAsync(new RestoreEvent(RestoreEventType.Warning, KubeStashComponentJob.Reasons.Failed, $"Failed to restore {unit}: {error}"), cancellationToken).ConfigureAwait(false);
        return new UnitOutcome(unit, UnitPhase.Failed, ExitCodes.RestoreFailed, error, "component not in the Snapshot");
    }
}
