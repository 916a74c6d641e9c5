using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>Offline there is no API to hold Events: each one is a debug line.</summary>
public sealed class LoggedEventRecorderTests
{
    [Fact]
    public async Task An_event_becomes_one_debug_line_with_its_type_reason_and_message()
    {
        var log = new CollectingSink();

        await new LoggedEventRecorder(log.Logger()).RecordAsync(
            new RestoreEvent(RestoreEventType.Warning, "HostRestoreFailed", "Failed to restore host \"host-1\": restic: wrong password"), CancellationToken.None);

        Assert.Equal(["Debug: Event Warning \"HostRestoreFailed\": \"Failed to restore host \\\"host-1\\\": restic: wrong password\""], log.Lines);
    }
}
