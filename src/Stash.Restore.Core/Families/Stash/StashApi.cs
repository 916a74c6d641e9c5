using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// The Stash objects read through the CRD-neutral transport: where they live
/// (<see cref="ApiResource"/>), and the typed reads that deserialise them with the Stash
/// source-generated context, type-check them and normalise the rules.
/// </summary>
internal static class StashApi
{
    public static ApiResource RestoreSessions { get; } = new("stash.appscode.com", "v1beta1", "restoresessions");

    public static ApiResource Repositories { get; } = new("stash.appscode.com", "v1alpha1", "repositories");

    /// <summary>What grants the status writes a Stash restore needs, for the one line a 403 there gives.</summary>
    public const string StatusGrantedBy =
        "the ClusterRole the Stash operator binds to the executor's service account grants it (stash-restore-init-container for an init-container, " +
        "stash-restore-job for a restore Job; see docs/install.md#permissions)";

    /// <summary>The RestoreSession, type-checked and with its rules normalised.</summary>
    public static async Task<RestoreSession> GetRestoreSessionAsync(this IKubernetesApi api, string @namespace, string name, CancellationToken cancellationToken)
    {
        var json = await api.GetObjectAsync(RestoreSessions, @namespace, name, cancellationToken).ConfigureAwait(false);
        var source = $"RestoreSession {@namespace}/{name}";
        return StashObjects.AcceptRestoreSession(json.ToJsonString(), source);
    }

    public static async Task<Repository> GetRepositoryAsync(this IKubernetesApi api, string @namespace, string name, CancellationToken cancellationToken)
    {
        var json = await api.GetObjectAsync(Repositories, @namespace, name, cancellationToken).ConfigureAwait(false);
        var source = $"Repository {@namespace}/{name}";
        return StashObjects.AcceptRepository(json.ToJsonString(), source);
    }
}
