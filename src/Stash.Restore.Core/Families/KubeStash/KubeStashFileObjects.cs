using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>The KubeStash objects served from the <c>--objects</c> files (offline mode).</summary>
internal sealed class KubeStashFileObjects(ObjectSet objects, SecretMasker masker) : IKubeStashObjectSource
{
    public Task<RestoreSession> GetRestoreSessionAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(KubeStashObjects.RestoreSession(objects, name, @namespace));

    public Task<Snapshot> GetSnapshotAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(objects.Get(new ObjectKey(Snapshot.ApiVersionV1Alpha1, Snapshot.KindName, @namespace, name), KubeStashJsonContext.Default.Snapshot));

    public Task<IReadOnlyList<Snapshot>> ListSnapshotsAsync(string @namespace, string repository, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Snapshot>>(objects.OfKind(Snapshot.ApiVersionV1Alpha1, Snapshot.KindName, @namespace)
            .Select(key => objects.Get(key, KubeStashJsonContext.Default.Snapshot)).ToList());

    public Task<Repository> GetRepositoryAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(objects.Get(new ObjectKey(Repository.ApiVersionV1Alpha1, Repository.KindName, @namespace, name), KubeStashJsonContext.Default.Repository));

    public Task<BackupStorage> GetBackupStorageAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(objects.Get(new ObjectKey(BackupStorage.ApiVersionV1Alpha1, BackupStorage.KindName, @namespace, name), KubeStashJsonContext.Default.BackupStorage));

    public Task<IReadOnlyDictionary<string, string>> GetSecretAsync(SecretReference secret, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, string> data;
        try
        {
            data = objects.Secret(secret.Namespace, secret.Name);
        }
        catch (DependencyUnavailableException e)
        {
            throw new DependencyUnavailableException($"{e.Message} ({secret.Purpose})", e);
        }
        // Registered once, where the values enter; nothing downstream registers them again.
        masker.RegisterSecretData(secret.ToString(), data);
        return Task.FromResult(data);
    }
}
