using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class SnapshotTests
{
    [Fact]
    public void Both_resticStats_shapes_read()
    {
        var snapshot = KubeStashSamples.ReadSnapshot();

        var pod0 = snapshot.Status!.Components!["pod-0"];
        Assert.Equal("/source/config", pod0.ResticStats![1].Summary!.HostPath);
        var pod1 = snapshot.Status.Components["pod-1"];
        Assert.Equal("0f1e2d3c", Assert.Single(pod1.ResticStats!).Id);
        Assert.Equal(new DateTimeOffset(2023, 12, 14, 8, 40, 1, TimeSpan.Zero), snapshot.Status.SnapshotTime);
    }
}
