using Stash.Restore.Core.Model;

namespace Stash.Restore.Core.Execution;

/// <summary>
/// Where this host's entry in <c>RestoreSession.status.stats[]</c> lives: the API's
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

internal enum RestoreEventType
{
    Normal,
    Warning,
}

internal sealed record RestoreEvent(RestoreEventType Type, string Reason, string Message);

/// <summary>Kubernetes Events on the RestoreSession (a log line offline).</summary>
internal interface IRestoreEventRecorder
{
    /// <summary>Best effort: a failure to record is logged, never fails the restore.</summary>
    Task RecordAsync(RestoreEvent restoreEvent, CancellationToken cancellationToken);
}

/// <summary>Exclusive right to restore one host of one session.</summary>
internal interface IHostClaim : IAsyncDisposable
{
    /// <summary>Cancelled when the claim is lost (lease taken over, renewals failing).</summary>
    CancellationToken Lost { get; }
}

/// <summary>
/// Makes executors that resolve to the same host take turns (all Deployment replicas are host-0).
/// </summary>
internal interface IHostClaims
{
    /// <summary>Waits until this executor holds the claim for <paramref name="hostname"/>.</summary>
    Task<IHostClaim> AcquireAsync(string hostname, CancellationToken cancellationToken);
}

internal enum HookStage
{
    PreRestore,
    PostRestore,
}

/// <summary>What a hook template may read, and where an exec hook may run.</summary>
/// <param name="Outcome">The restore's outcome: set for postRestore only.</param>
/// <param name="Target">The session's target (<c>.Target</c> in hook templates); empty fields when null.</param>
internal sealed record HookContext(
    HookStage Stage,
    string Namespace,
    string SessionName,
    string Hostname,
    HostRestoreStats? Outcome,
    Hooks.Templates.HookTarget? Target = null);

internal sealed record HookResult(bool Succeeded, string Message);

/// <summary>Runs one preRestore/postRestore hook of any handler kind, with a timeout.</summary>
internal interface IHookExecutor
{
    Task<HookResult> ExecuteAsync(HookSpec hook, HookContext context, CancellationToken cancellationToken);
}

/// <summary>Pushes this host's restore metrics. A failure is a warning, never a failed restore.</summary>
internal interface IRestoreMetricsPublisher
{
    Task PublishAsync(HostRestoreReport report, CancellationToken cancellationToken);
}

/// <summary>Everything known about one host's finished restore, for metrics and events.</summary>
internal sealed record HostRestoreReport(
    string Hostname,
    string Phase,
    TimeSpan Duration,
    string? Error,
    long FilesRestored,
    long BytesRestored);
