using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

/// <summary>A KubeStash component's status as the engine writes it: its own <c>status.components[c]</c> entry, by merge patch.</summary>
public sealed class KubeStashComponentStatusTests
{
    [Fact]
    public async Task Writes_go_to_the_components_own_entry_and_leave_the_operators_fields_and_other_components_alone()
    {
        var store = new InMemoryComponentStatus(new RestoreSessionStatus
        {
            Phase = "Running",
            TotalComponents = 2,
            Components = new() { ["dump-pod-0"] = new ComponentRestoreStatus { Phase = "Succeeded", Duration = "4s" } },
        });
        var status = new KubeStashComponentStatus(store, "dump-pod-1");

        Assert.Null(await status.GetPhaseAsync(CancellationToken.None));
        await status.WriteAsync(new UnitStatusEntry(UnitPhase.Running, null), CancellationToken.None);
        Assert.Equal(UnitPhase.Running, await status.GetPhaseAsync(CancellationToken.None));
        await status.WriteAsync(new UnitStatusEntry(UnitPhase.Failed, "1.5s", "restic exited 1: wrong password"), CancellationToken.None);

        Assert.Equal(
            """{"phase":"Running","totalComponents":2,"components":{"dump-pod-0":{"phase":"Succeeded","duration":"4s"},"dump-pod-1":{"phase":"Failed","duration":"1.5s","error":"restic exited 1: wrong password"}}}""",
            store.Current.ToJsonString());
    }

    [Fact]
    public async Task A_success_after_a_failure_clears_the_error_and_hooks_write_nothing()
    {
        var store = new InMemoryComponentStatus(null);
        var status = new KubeStashComponentStatus(store, "dump");
        await status.WriteAsync(new UnitStatusEntry(UnitPhase.Failed, "1s", "boom"), CancellationToken.None);
        var afterFailure = store.Current.ToJsonString();

        // KubeStash's operator runs the hooks (HookTemplates) and records them.
        await status.RecordHookAsync(HookStage.PostRestore, new HookResult(false, "exit code 3"), CancellationToken.None);
        Assert.Equal(afterFailure, store.Current.ToJsonString());

        await status.WriteAsync(new UnitStatusEntry(UnitPhase.Succeeded, "2m3s"), CancellationToken.None);
        Assert.Equal("""{"components":{"dump":{"phase":"Succeeded","duration":"2m3s"}}}""", store.Current.ToJsonString());
    }
}
