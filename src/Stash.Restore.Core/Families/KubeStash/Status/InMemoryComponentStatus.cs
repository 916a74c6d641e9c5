using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>Offline without <c>--status-file</c>: the status is kept here and printed when the run ends.</summary>
internal sealed class InMemoryComponentStatus(RestoreSessionStatus? initial) : IComponentStatusStore
{
    private readonly Lock _gate = new();

    public JsonObject Current { get; private set; } =
        JsonSerializer.SerializeToNode(initial ?? new RestoreSessionStatus(), KubeStashJsonContext.Default.RestoreSessionStatus) as JsonObject ?? [];

    public Task<RestoreSessionStatus?> ReadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(Current.Deserialize(KubeStashJsonContext.Default.RestoreSessionStatus));
    }

    public Task PatchAsync(JsonObject patchBody, CancellationToken cancellationToken)
    {
        lock (_gate)
            Current = JsonMergePatch.Apply(Current, patchBody["status"]) as JsonObject ?? [];
        return Task.CompletedTask;
    }
}
