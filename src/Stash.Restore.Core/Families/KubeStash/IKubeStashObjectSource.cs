namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// Where the KubeStash objects of a run are read: the API in a cluster, the <c>--objects</c> files
/// offline. Missing objects are <see cref="DependencyUnavailableException"/>s naming them (exit 3);
/// Secret values are registered with the masker where they are read.
/// </summary>
internal interface IKubeStashObjectSource
{
    Task<RestoreSession> GetRestoreSessionAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<Snapshot> GetSnapshotAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>
    /// The Snapshots of <paramref name="namespace"/> that may belong to <paramref name="repository"/> (for
    /// <c>latest</c>). A source may narrow the list (the API by KubeStash's repository label) or return
    /// them all: the caller still filters by <c>spec.repository</c>.
    /// </summary>
    Task<IReadOnlyList<Snapshot>> ListSnapshotsAsync(string @namespace, string repository, CancellationToken cancellationToken);

    Task<Repository> GetRepositoryAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<BackupStorage> GetBackupStorageAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The Secret's decoded data, every value already registered with the masker.</summary>
    Task<IReadOnlyDictionary<string, string>> GetSecretAsync(SecretReference secret, CancellationToken cancellationToken);
}
