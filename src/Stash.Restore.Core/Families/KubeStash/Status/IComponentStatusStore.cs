using System.Text.Json.Nodes;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// Where a RestoreSession's status lives for this run: the API's <c>/status</c>, a
/// <c>--status-file</c>, or memory (printed at the end). Only merge patches from
/// <see cref="ComponentStatusPatch"/> are applied, so a component never clobbers another's entry.
/// </summary>
internal interface IComponentStatusStore
{
    /// <summary>The session's status as it is now.</summary>
    Task<RestoreSessionStatus?> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Applies a <c>{"status": …}</c> merge-patch body.</summary>
    Task PatchAsync(JsonObject patchBody, CancellationToken cancellationToken);
}
