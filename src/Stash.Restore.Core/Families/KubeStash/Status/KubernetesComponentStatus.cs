using System.Text.Json;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// The RestoreSession's <c>/status</c> through the API: reads the session, writes merge patches
/// (the transport retries them; applying one twice gives the same object).
/// </summary>
internal sealed class KubernetesComponentStatus(IKubernetesApi api, string @namespace, string name) : IComponentStatusStore
{
    public static readonly ApiResource RestoreSessions = new("core.kubestash.com", "v1alpha1", "restoresessions");

    public async Task<RestoreSessionStatus?> ReadAsync(CancellationToken cancellationToken)
    {
        var session = await api.GetObjectAsync(RestoreSessions, @namespace, name, cancellationToken).ConfigureAwait(false);
        return session.Deserialize(KubeStashJsonContext.Default.RestoreSession)?.Status;
    }

    public Task PatchAsync(JsonObject patchBody, CancellationToken cancellationToken) =>
        api.MergePatchStatusAsync(RestoreSessions, @namespace, name, patchBody, cancellationToken);
}
