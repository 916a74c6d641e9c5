using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>A Stash host's status as the engine sees it: its <c>status.stats[]</c> entry and the hook conditions.</summary>
internal sealed class StashHostStatus(IHostStatusStore store, string host, TimeProvider clock) : IUnitStatus
{
    public async Task<string?> GetPhaseAsync(CancellationToken cancellationToken) =>
        (await store.GetAsync(host, cancellationToken))?.Phase;

    public Task WriteAsync(UnitStatusEntry entry, CancellationToken cancellationToken) =>
        store.UpsertAsync(new HostRestoreStats { Hostname = host, Phase = entry.Phase, Duration = entry.Duration, Error = entry.Error }, cancellationToken);

    public Task RecordHookAsync(HookStage stage, HookResult result, CancellationToken cancellationToken) =>
        store.SetConditionAsync(StashHookConditions.Condition(stage, result, host, clock), cancellationToken);
}
