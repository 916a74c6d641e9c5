using Serilog;

namespace Stash.Restore.Core.Engine;

/// <summary>Offline, events become log lines.</summary>
internal sealed class LoggedEventRecorder(ILogger log) : IRestoreEventRecorder
{
    public Task RecordAsync(RestoreEvent restoreEvent, CancellationToken cancellationToken)
    {
        log.Debug("Event {Type} {Reason}: {Message}", restoreEvent.Type, restoreEvent.Reason, restoreEvent.Message);
        return Task.CompletedTask;
    }
}
