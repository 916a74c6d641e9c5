using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

/// <summary>The merge-patch bodies a component writes into its own <c>status.components[&lt;c&gt;]</c> entry.</summary>
public sealed class ComponentStatusPatchTests
{
    [Fact]
    public void Zero_counts_are_left_out_as_Go_omitempty_does()
    {
        var progress = KubeStashProgress.From(UnitProgress.From(new ResticMessage.Status(0, 0, 0, 0, 0, 0)));

        Assert.Equal("""{"status":{"components":{"dump":{"progress":{"restoreDone":"0B"}}}}}""", ComponentStatusPatch.Progress("dump", progress).ToJsonString());
    }

    [Fact]
    public void Patch_bodies_touch_only_the_component_entry()
    {
        Assert.Equal(
            """{"status":{"components":{"dump-pod-0":{"phase":"Running","progress":null,"duration":null,"error":null}}}}""",
            ComponentStatusPatch.Running("dump-pod-0").ToJsonString());
        Assert.Equal(
            """{"status":{"components":{"dump-pod-0":{"phase":"Succeeded","duration":"2m40.5958575s","error":null}}}}""",
            ComponentStatusPatch.Succeeded("dump-pod-0", TimeSpan.FromTicks(1_605_958_575)).ToJsonString());
        Assert.Equal(
            """{"status":{"components":{"dump-pod-0":{"phase":"Failed","duration":"884.4317ms","error":"restic exited 12: wrong password"}}}}""",
            ComponentStatusPatch.Failed("dump-pod-0", TimeSpan.FromTicks(8_844_317), "restic exited 12: wrong password").ToJsonString());
    }
}
