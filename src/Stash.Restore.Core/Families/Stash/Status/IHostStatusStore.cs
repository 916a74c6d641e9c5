namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Where a host's entry in <c>RestoreSession.status.stats[]</c> lives: the API's
/// <c>/status</c> subresource in a cluster, a status file offline.
/// </summary>
internal interface IHostStatusStore
{
    /// <summary>This host's current entry, or null when there is none.</summary>
    Task<HostRestoreStats?> GetAsync(string hostname, CancellationToken cancellationToken);

    /// <summary>Upserts the entry by hostname on the latest object; never drops another host's entry.</summary>
    Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a session condition (hook results). A False written by any host is never
    /// overwritten by another host's True.
    /// </summary>
    Task SetConditionAsync(Condition condition, CancellationToken cancellationToken);
}
