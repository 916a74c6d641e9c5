using Serilog;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// Everything a component restore reads, loaded and validated once: the session, the Snapshot
/// chosen (<c>latest</c> resolved), the Repository, its BackupStorage, the backend credentials and
/// the encryption Secret's data.
/// </summary>
internal sealed record KubeStashInputs(
    RestoreSession Session,
    Snapshot Snapshot,
    string SnapshotChosenBy,
    Repository Repository,
    BackupStorage Storage,
    IReadOnlyDictionary<string, string> Credentials,
    SecretReference EncryptionSecret,
    IReadOnlyDictionary<string, string> EncryptionData)
{
    /// <summary>
    /// Session → Snapshot (<c>--snapshot</c>, else <c>spec.dataSource.snapshot</c>; <c>latest</c> resolved
    /// here) → Repository → BackupStorage → credentials and encryption Secrets.
    /// </summary>
    /// <param name="session">Already read; validated and checked to be ours here, before anything is written.</param>
    public static async Task<KubeStashInputs> LoadAsync(IKubeStashObjectSource source, RestoreSession session, string? snapshotFlag, ILogger log, CancellationToken cancellationToken)
    {
        KubeStashValidation.EnsureRestorable(session, session.Describe());
        var requested = SnapshotChoice.Requested(snapshotFlag, session);
        Snapshot snapshot;
        if (requested.IsLatest)
        {
            var repositoryName = session.Spec.DataSource?.Repository ?? "";
            var all = await source.ListSnapshotsAsync(requested.Namespace, repositoryName, cancellationToken).ConfigureAwait(false);
            snapshot = SnapshotChoice.Latest(all, requested.Namespace, repositoryName);
            log.Information("Snapshot \"latest\" ({ChosenBy:l}) is {Snapshot:l}, taken {SnapshotTime:O}", requested.ChosenBy, snapshot.Describe(), snapshot.Status?.SnapshotTime);
        }
        else
        {
            snapshot = await source.GetSnapshotAsync(requested.Namespace, requested.Name, cancellationToken).ConfigureAwait(false);
        }
        SnapshotChoice.EnsureRestorable(snapshot, session.Spec.DataSource?.Repository);

        var repositoryKey = DataSourceLocation.Repository(session, SnapshotChoice.RepositoryName(session, snapshot));
        var repository = await source.GetRepositoryAsync(repositoryKey.Namespace, repositoryKey.Name, cancellationToken).ConfigureAwait(false);
        var storageKey = DataSourceLocation.Storage(repository);
        var storage = await source.GetBackupStorageAsync(storageKey.Namespace, storageKey.Name, cancellationToken).ConfigureAwait(false);
        var credentials = DataSourceLocation.CredentialsSecret(storage) is { } credentialsSecret
            ? await source.GetSecretAsync(credentialsSecret, cancellationToken).ConfigureAwait(false)
            : new Dictionary<string, string>();
        var encryptionSecret = DataSourceLocation.EncryptionSecret(session, repository);
        var encryption = await source.GetSecretAsync(encryptionSecret, cancellationToken).ConfigureAwait(false);
        return new KubeStashInputs(session, snapshot, requested.ChosenBy, repository, storage, credentials, encryptionSecret, encryption);
    }
}
