using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class ComponentSnapshotsTests
{
    [Fact]
    public void One_restic_id_per_resticStats_entry_in_recorded_order()
    {
        var selection = ComponentSnapshots.From(KubeStashSamples.ReadSnapshot(), "pod-0");

        Assert.Equal("repository/v1/demo-session/pod-0", selection.Path);
        Assert.Equal(
            [
                new ResticSnapshotRef("4a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff0", "/source/data"),
                new ResticSnapshotRef("5b2c3d4e5f60718293a4b5c6d7e8f901122334455667788", "/source/config"),
            ],
            selection.Snapshots);
    }

    [Fact]
    public void The_older_flat_shape_gives_its_id()
    {
        var selection = ComponentSnapshots.From(KubeStashSamples.ReadSnapshot(), "pod-1");

        Assert.Equal([new ResticSnapshotRef("0f1e2d3c", "/source/data")], selection.Snapshots);
    }

    [Fact]
    public void A_component_that_is_not_Succeeded_is_refused_with_the_backup_error()
    {
        var error = Assert.Throws<InvalidInputException>(() => ComponentSnapshots.From(KubeStashSamples.ReadSnapshot(), "pod-2"));

        Assert.Equal(
            "Snapshot demo/gcs-demo-repo-sample-backup-sts-demo-session-1702543201 status.components.pod-2: phase is Failed, not Succeeded (backup error: pod-2: restic exited 1): only a Succeeded component is restored",
            error.Message);
    }

    [Theory]
    [InlineData("driver: VolumeSnapshotter\n      path: p\n      resticStats: [{id: a}]", "status.components.c: driver VolumeSnapshotter is not restored by this executor (only Restic)")]
    [InlineData("resticStats: [{id: a}]", "status.components.c.path: is empty")]
    [InlineData("path: p", "status.components.c.resticStats: is empty")]
    [InlineData("path: p\n      resticStats: [{summary: {id: a}}, {summary: {hostPath: /x}}]", "status.components.c.resticStats[1]: has no summary.id (nor id)")]
    public void Unusable_component_records_are_refused_naming_the_field(string fields, string expected)
    {
        var snapshot = KubeStashSamples.ReadSnapshot($"""
            apiVersion: storage.kubestash.com/v1alpha1
            kind: Snapshot
            metadata:
              name: s
            status:
              components:
                c:
                  phase: Succeeded
                  {fields}
            """);

        var error = Assert.Throws<InvalidInputException>(() => ComponentSnapshots.From(snapshot, "c"));

        Assert.StartsWith("Snapshot demo/s " + expected, error.Message, StringComparison.Ordinal);
    }
}
