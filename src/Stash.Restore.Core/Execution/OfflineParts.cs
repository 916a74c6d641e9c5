using Serilog;
using Stash.Restore.Core.Model;
using Stash.Restore.Core.Status;

namespace Stash.Restore.Core.Execution;

/// <summary>Offline there is no other executor to take turns with: the claim is granted at once.</summary>
internal sealed class UncontendedHostClaims : IHostClaims
{
    public Task<IHostClaim> AcquireAsync(string hostname, CancellationToken cancellationToken) =>
        Task.FromResult<IHostClaim>(new Granted());

    private sealed class Granted : IHostClaim
    {
        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Offline, events become log lines.</summary>
internal sealed class LoggedEventRecorder(ILogger log) : IRestoreEventRecorder
{
    public Task RecordAsync(RestoreEvent restoreEvent, CancellationToken cancellationToken)
    {
        log.Debug("Event {Type} {Reason}: {Message}", restoreEvent.Type, restoreEvent.Reason, restoreEvent.Message);
        return Task.CompletedTask;
    }
}

/// <summary>Status kept in memory and printed at the end when no <c>--status-file</c> is given.</summary>
internal sealed class InMemoryStatusStore(RestoreSessionStatus? initial) : IHostStatusStore
{
    private readonly Lock _gate = new();

    public RestoreSessionStatus? Current { get; private set; } = initial;

    public Task<HostRestoreStats?> GetAsync(string hostname, CancellationToken cancellationToken) =>
        Task.FromResult(StatusUpserts.FindHost(Current, hostname));

    public Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken)
    {
        lock (_gate)
            Current = StatusUpserts.UpsertHost(Current, entry);
        return Task.CompletedTask;
    }

    public Task SetConditionAsync(Condition condition, CancellationToken cancellationToken)
    {
        lock (_gate)
            Current = StatusUpserts.UpsertCondition(Current, condition);
        return Task.CompletedTask;
    }
}
