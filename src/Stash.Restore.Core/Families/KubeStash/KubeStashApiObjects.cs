using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>The KubeStash objects read through the API (cluster mode); Secrets are masked by the transport.</summary>
internal sealed class KubeStashApiObjects(IKubernetesApi api) : IKubeStashObjectSource
{
    public static readonly ApiResource Snapshots = new("storage.kubestash.com", "v1alpha1", "snapshots");
    public static readonly ApiResource Repositories = new("storage.kubestash.com", "v1alpha1", "repositories");
    public static readonly ApiResource BackupStorages = new("storage.kubestash.com", "v1alpha1", "backupstorages");

    public async Task<RestoreSession> GetRestoreSessionAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var session = await GetAsync(KubernetesComponentStatus.RestoreSessions, @namespace, name, KubeStashJsonContext.Default.RestoreSession, cancellationToken).ConfigureAwait(false);
        return KubeStashValidation.Accept(session, $"RestoreSession {@namespace}/{name}");
    }

    public Task<Snapshot> GetSnapshotAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        GetAsync(Snapshots, @namespace, name, KubeStashJsonContext.Default.Snapshot, cancellationToken);

    /// <summary>Component claims: Leases <c>kubestash-restore-&lt;session&gt;-&lt;component&gt;</c>, apart from Stash's host Leases.</summary>
    public static LeaseClaimScope ClaimScope { get; } = new("kubestash-restore", KubeStashComponentJob.UnitKind, Logging.LogProperties.Component);

    /// <summary>Events about a component's restore are recorded on its RestoreSession (uid included, so <c>kubectl describe</c> lists them).</summary>
    public static EventTarget EventTarget(RestoreSession session) =>
        new(RestoreSession.ApiVersionV1Alpha1, RestoreSession.KindName, session.Metadata.Namespace ?? "", session.Metadata.Name ?? "", session.Metadata.Uid);

    /// <summary>The label KubeStash puts on every Snapshot: the name of its Repository.</summary>
    public const string RepositoryLabel = "kubestash.com/repo-name";

    /// <summary>
    /// The Snapshots labelled with <paramref name="repository"/> (KubeStash labels every Snapshot it makes),
    /// so a namespace with many Repositories is not read whole. When none of them could be chosen —
    /// Snapshots made by hand or restored from a manifest may lack the label — every Snapshot of the
    /// namespace, so <c>latest</c> never misses one; the caller filters by <c>spec.repository</c> either way.
    /// </summary>
    public async Task<IReadOnlyList<Snapshot>> ListSnapshotsAsync(string @namespace, string repository, CancellationToken cancellationToken)
    {
        if (IsLabelValue(repository))
        {
            var labelled = await ListAsync(Snapshots, @namespace, $"{RepositoryLabel}={repository}", KubeStashJsonContext.Default.Snapshot, cancellationToken).ConfigureAwait(false);
            if (labelled.Any(s => s.Spec.Repository == repository && s.Status?.Phase == SnapshotPhase.Succeeded))
                return labelled;
        }
        return await ListAsync(Snapshots, @namespace, null, KubeStashJsonContext.Default.Snapshot, cancellationToken).ConfigureAwait(false);
    }

    public Task<Repository> GetRepositoryAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        GetAsync(Repositories, @namespace, name, KubeStashJsonContext.Default.Repository, cancellationToken);

    public Task<BackupStorage> GetBackupStorageAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        GetAsync(BackupStorages, @namespace, name, KubeStashJsonContext.Default.BackupStorage, cancellationToken);

    public async Task<IReadOnlyDictionary<string, string>> GetSecretAsync(SecretReference secret, CancellationToken cancellationToken)
    {
        try
        {
            return await api.GetSecretDataAsync(secret.Namespace, secret.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException e)
        {
            throw new DependencyUnavailableException($"{secret} ({secret.Purpose}): {e.Message}", e);
        }
    }

    private async Task<IReadOnlyList<T>> ListAsync<T>(ApiResource resource, string @namespace, string? labelSelector, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var items = await api.ListObjectsAsync(resource, @namespace, labelSelector, cancellationToken).ConfigureAwait(false);
        return items.Select(json => Read(resource, @namespace, (string?)json["metadata"]?["name"] ?? "?", json, typeInfo)).ToList();
    }

    private async Task<T> GetAsync<T>(ApiResource resource, string @namespace, string name, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        JsonObject json = await api.GetObjectAsync(resource, @namespace, name, cancellationToken).ConfigureAwait(false);
        return Read(resource, @namespace, name, json, typeInfo);
    }

    private static T Read<T>(ApiResource resource, string @namespace, string name, JsonObject json, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return json.Deserialize(typeInfo) ?? throw new InvalidInputException($"{resource} {@namespace}/{name}: empty object");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{resource} {@namespace}/{name}: wrong type at {e.Path?.TrimStart('$', '.')}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    // A label value: at most 63 characters, alphanumerics with '-', '_', '.' inside. Repository names
    // may be longer (DNS subdomains); the server would refuse such a selector.
    private static bool IsLabelValue(string value) =>
        value.Length is > 0 and <= 63
        && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1])
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
