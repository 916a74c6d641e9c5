using Stash.Restore.Core.Engine;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>A component's status as the engine sees it: its <c>status.components[c]</c> entry, by merge patch.</summary>
internal sealed class KubeStashComponentStatus(IComponentStatusStore store, string component) : IUnitStatus
{
    public async Task<string?> GetPhaseAsync(CancellationToken cancellationToken) =>
        (await store.ReadAsync(cancellationToken).ConfigureAwait(false))?.Components?.GetValueOrDefault(component)?.Phase;

    public Task WriteAsync(UnitStatusEntry entry, CancellationToken cancellationToken)
    {
        GoDuration.TryParse(entry.Duration, out var duration);
        var body = entry.Phase switch
        {
            UnitPhase.Running => ComponentStatusPatch.Running(component),
            UnitPhase.Succeeded => ComponentStatusPatch.Succeeded(component, duration),
            _ => ComponentStatusPatch.Failed(component, duration, entry.Error ?? ""),
        };
        return store.PatchAsync(body, cancellationToken);
    }

    /// <summary><c>status.components[c].progress</c> by merge patch, in KubeStash's shape.</summary>
    public Task ReportProgressAsync(UnitProgress progress, CancellationToken cancellationToken) =>
        store.PatchAsync(ComponentStatusPatch.Progress(component, KubeStashProgress.From(progress)), cancellationToken);

    /// <summary>KubeStash's operator runs the hooks (HookTemplates) and records them; the executor runs none.</summary>
    public Task RecordHookAsync(HookStage stage, HookResult result, CancellationToken cancellationToken) => Task.CompletedTask;
}
