using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// The calls the executor makes to the API server, and nothing else: the seam behind which
/// the hand-written REST client could be swapped for the official KubernetesClient.
/// Errors are <see cref="RestoreException"/>s with a one-line message (not found, unreachable,
/// credentials, permissions → <see cref="DependencyUnavailableException"/>; invalid object →
/// <see cref="InvalidInputException"/>); the HTTP status is on the inner
/// <see cref="KubernetesApiException"/>.
/// </summary>
internal interface IKubernetesApi
{
    /// <summary>The RestoreSession, type-checked and with its rules normalised.</summary>
    Task<RestoreSession> GetRestoreSessionAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The whole RestoreSession as JSON through the <c>/status</c> subresource (for read-modify-write).</summary>
    Task<JsonObject> GetRestoreSessionStatusObjectAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>PUT <c>/status</c>: the object must carry the resourceVersion it was read at (409 otherwise).</summary>
    Task<JsonObject> ReplaceRestoreSessionStatusAsync(string @namespace, string name, JsonObject restoreSession, CancellationToken cancellationToken);

    /// <summary>
    /// PATCH <c>/status</c> with an RFC 6902 JSON patch. Not retried when it might have been
    /// applied: the caller re-reads and decides (the patch's <c>test</c> ops make that exact).
    /// </summary>
    Task<JsonObject> PatchRestoreSessionStatusAsync(string @namespace, string name, JsonArray jsonPatch, CancellationToken cancellationToken);

    Task<Repository> GetRepositoryAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The Secret's decoded <c>data</c>; every value is registered with the masker before it is returned.</summary>
    Task<IReadOnlyDictionary<string, string>> GetSecretDataAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<PodInfo> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task CreateEventAsync(string @namespace, EventObject kubernetesEvent, CancellationToken cancellationToken);

    /// <summary>The Lease, or null when it does not exist.</summary>
    Task<LeaseObject?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Creates the Lease; null when one with that name already exists.</summary>
    Task<LeaseObject?> TryCreateLeaseAsync(string @namespace, LeaseObject lease, CancellationToken cancellationToken);

    /// <summary>Replaces the Lease at its resourceVersion; null on a conflict (someone else wrote it first).</summary>
    Task<LeaseObject?> TryUpdateLeaseAsync(string @namespace, LeaseObject lease, CancellationToken cancellationToken);
}
