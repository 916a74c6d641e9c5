namespace Stash.Restore.Core.Engine;

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
