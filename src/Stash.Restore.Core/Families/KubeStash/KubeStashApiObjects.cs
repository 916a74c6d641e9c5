using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
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

    /// <summary>The transport has no list call yet, so <c>latest</c> is resolved offline only; the operator passes a concrete name.</summary>
    public Task<IReadOnlyList<Snapshot>> ListSnapshotsAsync(string @namespace, CancellationToken cancellationToken) =>
        throw new InvalidInputException(
            $"Snapshot \"latest\" in namespace {@namespace}: resolving latest through the API is not supported yet; pass --snapshot NAME (the KubeStash operator does)");

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

    private async Task<T> GetAsync<T>(ApiResource resource, string @namespace, string name, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        JsonObject json = await api.GetObjectAsync(resource, @namespace, name, cancellationToken).ConfigureAwait(false);
        try
        {
            return json.Deserialize(typeInfo) ?? throw new InvalidInputException($"{resource} {@namespace}/{name}: empty object");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{resource} {@namespace}/{name}: wrong type at {e.Path?.TrimStart('$', '.')}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }
}
