namespace Stash.Restore.Core.Families.Stash;

/// <summary>Status kept in memory and printed at the end when no <c>--status-file</c> is given.</summary>
internal sealed class InMemoryHostStatus(RestoreSessionStatus? initial) : IHostStatusStore
{
    private readonly Lock _gate = new();

    public RestoreSessionStatus? Current { get; private set; } = initial;

    public Task<HostRestoreStats?> GetAsync(string hostname, CancellationToken cancellationToken) =>
        Task.FromResult(HostStatusUpserts.FindHost(Current, hostname));

    public Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken)
    {
        lock (_gate)
            Current = HostStatusUpserts.UpsertHost(Current, entry);
        return Task.CompletedTask;
    }

    public Task SetConditionAsync(Condition condition, CancellationToken cancellationToken)
    {
        lock (_gate)
            Current = HostStatusUpserts.UpsertCondition(Current, condition);
        return Task.CompletedTask;
    }
}
