using System.Text.Json.Nodes;
using k8s.Models;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// The calls the executor makes to the API server, and nothing else, with no CRD knowledge:
/// objects by <see cref="ApiResource"/> as JSON, their <c>/status</c>, and, as the library's typed models, the few core objects
/// (Secret, Pod, Event, Lease) the executor needs. Families deserialise the JSON into their own
/// source-generated models.
/// Errors are <see cref="RestoreException"/>s with a one-line message (not found, unreachable,
/// credentials, permissions → <see cref="DependencyUnavailableException"/>; invalid object →
/// <see cref="InvalidInputException"/>); the HTTP status is on the inner
/// <see cref="KubernetesApiException"/>.
/// </summary>
internal interface IKubernetesApi
{
    /// <summary>GET one object.</summary>
    Task<JsonObject> GetObjectAsync(ApiResource resource, string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>
    /// LIST the objects of a resource in one namespace, every page followed (<c>limit</c> =
    /// <paramref name="pageSize"/>, then <c>continue</c>), narrowed by <paramref name="labelSelector"/>
    /// when given. Items come back as the server sent them.
    /// </summary>
    Task<IReadOnlyList<JsonObject>> ListObjectsAsync(ApiResource resource, string @namespace, string? labelSelector, CancellationToken cancellationToken, int pageSize = 250);

    /// <summary>GET one object through its <c>/status</c> subresource (for read-modify-write).</summary>
    Task<JsonObject> GetStatusAsync(ApiResource resource, string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>PUT <c>/status</c>: the object must carry the resourceVersion it was read at (409 otherwise).</summary>
    Task<JsonObject> ReplaceStatusAsync(ApiResource resource, string @namespace, string name, JsonObject value, CancellationToken cancellationToken);

    /// <summary>
    /// PATCH <c>/status</c> with an RFC 6902 JSON patch. Not retried when it might have been
    /// applied: the caller re-reads and decides (the patch's <c>test</c> ops make that exact).
    /// </summary>
    Task<JsonObject> JsonPatchStatusAsync(ApiResource resource, string @namespace, string name, JsonArray jsonPatch, CancellationToken cancellationToken);

    /// <summary>
    /// PATCH <c>/status</c> with an RFC 7386 merge patch (applying it twice gives the same object,
    /// so it is retried, on 409 Conflict too: it carries no resourceVersion precondition, and one that
    /// does is refused). As with the JSON patch, the patch is of the whole object:
    /// <c>{"status":{…}}</c>; anything outside <c>status</c> is ignored by the subresource.
    /// </summary>
    Task<JsonObject> MergePatchStatusAsync(ApiResource resource, string @namespace, string name, JsonObject mergePatch, CancellationToken cancellationToken);

    /// <summary>The Secret's decoded <c>data</c>; every value is registered with the masker before it is returned.</summary>
    Task<IReadOnlyDictionary<string, string>> GetSecretDataAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<PodInfo> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task CreateEventAsync(string @namespace, Corev1Event kubernetesEvent, CancellationToken cancellationToken);

    /// <summary>The Lease, or null when it does not exist.</summary>
    Task<V1Lease?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Creates the Lease; null when one with that name already exists.</summary>
    Task<V1Lease?> TryCreateLeaseAsync(string @namespace, V1Lease lease, CancellationToken cancellationToken);

    /// <summary>Replaces the Lease at its resourceVersion; null on a conflict (someone else wrote it first).</summary>
    Task<V1Lease?> TryUpdateLeaseAsync(string @namespace, V1Lease lease, CancellationToken cancellationToken);
}
