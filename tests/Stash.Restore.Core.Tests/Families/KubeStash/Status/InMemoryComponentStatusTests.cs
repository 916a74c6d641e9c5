using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

/// <summary>
/// The status an offline KubeStash run without <c>--status-file</c> keeps and prints at the end: the
/// session's status, with each merge patch applied as the API server would.
/// </summary>
public sealed class InMemoryComponentStatusTests
{
    private static JsonObject Patch(string status) => new() { ["status"] = JsonNode.Parse(status) };

    [Fact]
    public async Task A_patch_merges_into_the_status_read_and_a_null_removes_the_field()
    {
        var store = new InMemoryComponentStatus(new RestoreSessionStatus
        {
            Phase = "Running",
            Components = new() { ["dump-pod-0"] = new ComponentRestoreStatus { Phase = "Failed", Duration = "1s", Error = "old" } },
        });

        await store.PatchAsync(Patch("""{"components":{"dump-pod-0":{"phase":"Succeeded","duration":"4s","error":null},"dump-pod-1":{"phase":"Running"}}}"""), CancellationToken.None);

        Assert.Equal("""{"phase":"Running","components":{"dump-pod-0":{"phase":"Succeeded","duration":"4s"},"dump-pod-1":{"phase":"Running"}}}""", store.Current.ToJsonString());
        var read = await store.ReadAsync(CancellationToken.None);
        Assert.Equal(("Succeeded", "4s", null), (read!.Components!["dump-pod-0"].Phase, read.Components["dump-pod-0"].Duration, read.Components["dump-pod-0"].Error));
        Assert.Equal("Running", read.Components["dump-pod-1"].Phase);
    }

    [Fact]
    public async Task A_session_without_status_starts_empty()
    {
        var store = new InMemoryComponentStatus(null);
        Assert.Equal("{}", store.Current.ToJsonString());

        await store.PatchAsync(Patch("""{"components":{"dump":{"phase":"Running"}}}"""), CancellationToken.None);

        Assert.Equal("""{"components":{"dump":{"phase":"Running"}}}""", store.Current.ToJsonString());
    }
}
