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

    /// <summary>What grants the status writes, for the one line a 403 there gives.</summary>
    public const string StatusGrantedBy =
        "the restore Job's ClusterRole kubestash-restore-job grants it (core.kubestash.com \"*\"; see docs/install.md#permissions)";

    public async Task<RestoreSessionStatus?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var session = await api.GetObjectAsync(RestoreSessions, @namespace, name, cancellationToken).ConfigureAwait(false);
            return session.Deserialize(KubeStashJsonContext.Default.RestoreSession)?.Status;
        }
        catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 403)
        {
            throw KubernetesErrors.Required(e, StatusGrantedBy);
        }
    }

    public async Task PatchAsync(JsonObject patchBody, CancellationToken cancellationToken)
    {
        try
        {
            await api.MergePatchStatusAsync(RestoreSessions, @namespace, name, patchBody, cancellationToken).ConfigureAwait(false);
        }
        catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 403)
        {
            // The status is the one write a restore cannot do without: say which role grants it.
            throw KubernetesErrors.Required(e, StatusGrantedBy);
        }
    }
}
