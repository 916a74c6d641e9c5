using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary><c>update-status</c>: the output.json host entries recorded into the RestoreSession, and the exit code that follows.</summary>
public sealed class StashStatusUpdateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("stash-status-update-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Each_host_of_output_json_is_recorded_with_its_event_and_metrics()
    {
        File.WriteAllText(Path.Combine(_directory, "output.json"), """
            {"targetStatus":{"ref":{"kind":"PersistentVolumeClaim","name":"data","namespace":"demo"},"stats":[
              {"hostname":"host-0","phase":"Succeeded","duration":"1.5s"},
              {"hostname":"host-1","phase":"Failed","duration":"2s","error":"restic exited 1: wrong password"}]}}
            """);
        var status = new RecordingStatusStore();
        var events = new RecordingEvents();
        var metrics = new RecordingMetrics();

        var outcome = await new StashStatusUpdate(status, events, metrics, new LoggerConfiguration().CreateLogger())
            .RecordAsync(RestoreOutputFile.Read(_directory), CancellationToken.None);

        Assert.Equal(
            [("host-0", HostPhase.Succeeded, "1.5s", null), ("host-1", HostPhase.Failed, "2s", "restic exited 1: wrong password")],
            status.Current!.Stats!.Select(s => (s.Hostname, s.Phase, s.Duration, s.Error)));
        Assert.Equal(
            [(RestoreEventType.Normal, "HostRestoreSucceeded", "Restored host \"host-0\" in 1.5s"),
             (RestoreEventType.Warning, "HostRestoreFailed", "Failed to restore host \"host-1\": restic exited 1: wrong password")],
            events.Events.Select(e => (e.Type, e.Reason, e.Message)));
        Assert.Equal(
            [("host-0", HostPhase.Succeeded, TimeSpan.FromSeconds(1.5), null), ("host-1", HostPhase.Failed, TimeSpan.FromSeconds(2), "restic exited 1: wrong password")],
            metrics.Reports.Select(r => (r.Unit, r.Phase, r.Duration, r.Error)));
        Assert.Equal(["host-0", "host-1"], outcome.Hosts);
        Assert.Equal(["host-1"], outcome.FailedHosts);
        Assert.Equal(ExitCodes.RestoreFailed, outcome.ExitCode(postRestoreHookFollows: false));
    }

    [Theory]
    [InlineData(new string[0], false, ExitCodes.Success)]
    [InlineData(new[] { "host-0" }, false, ExitCodes.RestoreFailed)]
    [InlineData(new[] { "host-0" }, true, ExitCodes.Success)]
    public void Update_status_exits_1_for_a_failed_host_unless_a_postRestore_hook_container_follows(string[] failed, bool hookFollows, int exitCode) =>
        Assert.Equal(exitCode, new StatusUpdateOutcome(["host-0"], failed).ExitCode(hookFollows));
}
