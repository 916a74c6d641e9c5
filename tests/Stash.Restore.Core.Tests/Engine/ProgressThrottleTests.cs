using System.Text.Json.Nodes;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;
using Stash.Restore.Core.Tests.Families.Stash;
using Stash.Restore.Core.Tests.Hooks;
using Stash.Restore.Core.Tests.Restic;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>
/// restic's progress on its way to the unit's status: at most one write per interval (fake clock),
/// never two at once, never after the final entry, and a failing write never fails the restore.
/// </summary>
public sealed class ProgressThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new();
    private readonly CollectingSink _log = new();

    private static UnitProgress At(long seconds, double fraction = 0.5) => new(seconds, fraction, 10, 5, 1000, (long)(1000 * fraction));

    private ProgressThrottle Throttle(IUnitStatus status, CancellationToken cancellationToken = default) =>
        new(status, _clock, Interval, _log.Logger(), new SecretMasker(), cancellationToken);

    [Fact]
    public async Task Passes_at_most_one_report_per_interval_the_first_an_interval_after_the_start()
    {
        var status = new RecordingUnitStatus();
        await using (var throttle = Throttle(status))
        {
            foreach (var second in Enumerable.Range(1, 35))
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                throttle.Report(At(second));
                await status.Settled(second / 10, resend: () => throttle.Report(At(second)));
            }
        }

        // restic reports every second; writes at 10, 20 and 30 s only.
        Assert.Equal([10L, 20L, 30L], status.Progress.Select(p => p.SecondsElapsed));
    }

    [Fact]
    public async Task A_write_in_flight_holds_back_the_next_and_is_awaited_before_the_end()
    {
        var status = new RecordingUnitStatus { Gate = new TaskCompletionSource() };
        var throttle = Throttle(status);
        _clock.Advance(Interval);
        throttle.Report(At(10));
        _clock.Advance(Interval);
        throttle.Report(At(20)); // the 10 s write has not returned: dropped, not queued

        var disposed = throttle.DisposeAsync().AsTask();
        await Task.Delay(50);
        Assert.False(disposed.IsCompleted, "disposing must wait for the write in flight");
        status.Gate.SetResult();
        await disposed;
        _clock.Advance(Interval);
        throttle.Report(At(30)); // after the end: nothing

        Assert.Equal([10L], status.Progress.Select(p => p.SecondsElapsed));
    }

    [Fact]
    public async Task Once_progress_was_shown_the_calls_final_figures_are_written_inside_the_interval_after_the_write_in_flight()
    {
        var status = new RecordingUnitStatus { Gate = new TaskCompletionSource() };
        var throttle = Throttle(status);
        _clock.Advance(Interval);
        throttle.Report(At(10, 0.1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        throttle.Report(At(11, 0.2)); // inside the interval and behind a write in flight: dropped
        throttle.Report(At(11, 1.0) with { IsFinal = true }); // restic's summary: queued behind the write in flight

        status.Gate.SetResult();
        await throttle.DisposeAsync();

        Assert.Equal([(10L, 0.1), (11L, 1.0)], status.Progress.Select(p => (p.SecondsElapsed, p.Fraction)));
    }

    [Fact]
    public async Task A_restore_that_showed_no_progress_writes_no_final_figures()
    {
        var status = new RecordingUnitStatus();
        await using (var throttle = Throttle(status))
        {
            _clock.Advance(TimeSpan.FromSeconds(3));
            throttle.Report(At(3, 1.0) with { IsFinal = true });
        }

        Assert.Empty(status.Progress);
    }

    [Fact]
    public async Task Failed_writes_warn_once_and_never_throw()
    {
        var status = new RecordingUnitStatus { Fail = new InvalidOperationException("RestoreSession demo/sample-restore: status patch refused (500)") };
        await using (var throttle = Throttle(status))
        {
            for (var i = 1; i <= 3; i++)
            {
                _clock.Advance(Interval);
                throttle.Report(At(i * 10));
                await status.Settled(i, resend: () => throttle.Report(At(i * 10)));
            }
        }

        Assert.Equal(3, status.Attempts);
        var warnings = _log.Lines.Where(l => l.StartsWith("Warning:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Warning: Could not write the restore progress (the restore goes on; further progress failures are logged at debug level): RestoreSession demo/sample-restore: status patch refused (500)"], warnings);
    }

    [Fact]
    public async Task KubeStash_component_entry_goes_Running_then_progress_every_interval_then_Succeeded()
    {
        var store = new RecordingComponentStore();

        var outcome = await RestoreComponentAsync(store);

        Assert.Equal((ExitCodes.Success, UnitPhase.Succeeded), (outcome.ExitCode, outcome.Phase));
        Assert.Equal(
            [
                """{"phase":"Running","progress":null,"duration":null,"error":null}""",
                """{"progress":{"secondsElapsed":10,"percentDone":"40.00%","totalFiles":9,"filesDone":3,"restoreDone":"10MB","total":"25MB","speed":"1MB/s"}}""",
                """{"progress":{"secondsElapsed":20,"percentDone":"80.00%","totalFiles":9,"filesDone":6,"restoreDone":"20MB","total":"25MB","speed":"1MB/s"}}""",
                """{"phase":"Succeeded","duration":"25s","error":null}""",
            ],
            store.Entries("dump-pod-0"));
    }

    [Fact]
    public async Task A_failing_progress_write_warns_once_and_the_component_still_succeeds()
    {
        var store = new RecordingComponentStore { FailProgress = true };

        var outcome = await RestoreComponentAsync(store);

        Assert.Equal((ExitCodes.Success, UnitPhase.Succeeded), (outcome.ExitCode, outcome.Phase));
        Assert.Equal(2, store.ProgressAttempts);
        Assert.Equal(["Running", "Succeeded"], store.Entries("dump-pod-0").Select(e => (string?)JsonNode.Parse(e)!["phase"]));
        var warning = Assert.Single(_log.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal));
        Assert.EndsWith("connection refused (127.0.0.1:6443)", warning, StringComparison.Ordinal);
    }

    /// <summary>restic reports once a second for 25 s (fake clock); the throttle lets 10 s and 20 s through.</summary>
    private async Task<UnitOutcome> RestoreComponentAsync(RecordingComponentStore store)
    {
        var restic = new FakeResticRestore();
        restic.OnRun = async _ =>
        {
            for (var second = 1; second <= 25; second++)
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                var progress = UnitProgress.From(new ResticMessage.Status(second / 25.0, 9, second * 3 / 10, 25_000_000, second * 1_000_000L, second));
                restic.Progress!.Report(progress);
                await store.Settled(second / 10, resend: () => restic.Progress!.Report(progress));
            }
            return new ResticRestoreSummary(5, 0, 25_000_000, 0) { DirectoriesRestored = 4 };
        };
        return await Pipeline(restic, new KubeStashComponentStatus(store, "dump-pod-0")).RestoreAsync(Job("dump-pod-0"), _log.Logger(), CancellationToken.None);
    }

    [Fact]
    public async Task Stash_host_logs_one_line_per_throttled_update()
    {
        var restic = new FakeResticRestore();
        restic.OnRun = _ =>
        {
            for (var second = 1; second <= 12; second++)
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                restic.Progress!.Report(UnitProgress.From(new ResticMessage.Status(0.42, 5000, 1234, 524_288_000, 220_200_960, second)));
            }
            return Task.FromResult(new ResticRestoreSummary(5, 0, 15, 0) { DirectoriesRestored = 4 });
        };
        var status = new StashHostStatus(new InMemoryHostStatus(null), "host-0", _clock, _log.Logger());

        await Pipeline(restic, status).RestoreAsync(Job("host-0"), _log.Logger(), CancellationToken.None);

        var line = Assert.Single(_log.Lines, l => l.Contains("Restoring:", StringComparison.Ordinal));
        Assert.Equal("Information: Restoring: 42.00% (210.0 MiB of 500.0 MiB, 1,234 of 5,000 files/dirs, 21.0 MiB/s)", line);
        Assert.Contains(_log.Lines, l => l.Contains("5 file(s), 15 byte(s) restored, 0 unchanged file(s) skipped, 4 dir(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_interval_defaults_to_ten_seconds_and_can_be_set()
    {
        var parts = Parts(new FakeResticRestore(), new RecordingUnitStatus());
        Assert.Equal(TimeSpan.FromSeconds(10), parts.ProgressInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(50), (parts with { ProgressInterval = TimeSpan.FromMilliseconds(50) }).ProgressInterval);
    }

    private RestoreParts<IUnitStatus> Parts(IResticRestore restic, IUnitStatus status) =>
        new(restic, new FakeHookExecutor(), status, new RecordingEvents(), new UncontendedClaims(), null, new SecretMasker(), _log.Logger(), _clock);

    private UnitRestorePipeline Pipeline(IResticRestore restic, IUnitStatus status) => new(Parts(restic, status), new Interruption());

    private static UnitRestoreJob Job(string unit)
    {
        var location = new BackendLocation { Owner = "Repository demo/repo", Local = new LocalBackend("/repo", null) };
        var request = new ResticRestoreRequest(location, new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "pw" }, [ResticSelection.LatestOf("/data", "host-0")], [], []);
        var restoreUnit = new RestoreUnit("unit", unit);
        return new UnitRestoreJob(restoreUnit, request, new ResticRestoreOptions("/", "/tmp/scratch", true, null, null), "from test", UnitHooks.None(restoreUnit), null, new UnitEventReasons("Ok", "NotOk"));
    }

    /// <summary>KubeStash's status store in memory, keeping every merge patch; progress patches can be made to fail.</summary>
    private sealed class RecordingComponentStore : IComponentStatusStore
    {
        private readonly InMemoryComponentStatus _inner = new(null);
        private readonly List<JsonObject> _patches = [];
        private int _progressSettled;

        public bool FailProgress { get; init; }
        public int ProgressAttempts => Volatile.Read(ref _progressSettled);

        public Task Settled(int progressWrites, Action resend) => ProgressWrites.SpinUntil(() => Volatile.Read(ref _progressSettled) >= progressWrites, resend);

        /// <summary>The component's entry in each patch that was applied, in order.</summary>
        public List<string> Entries(string component)
        {
            lock (_patches)
                return _patches.Select(p => p["status"]!["components"]![component]!.ToJsonString()).ToList();
        }

        public Task<Core.Families.KubeStash.RestoreSessionStatus?> ReadAsync(CancellationToken cancellationToken) => _inner.ReadAsync(cancellationToken);

        public async Task PatchAsync(JsonObject patchBody, CancellationToken cancellationToken)
        {
            var isProgress = patchBody.ToJsonString().Contains("\"progress\":{", StringComparison.Ordinal);
            try
            {
                await Task.Yield();
                if (isProgress && FailProgress)
                    throw new HttpRequestException("connection refused (127.0.0.1:6443)");
                lock (_patches)
                    _patches.Add((JsonObject)patchBody.DeepClone());
                await _inner.PatchAsync(patchBody, cancellationToken);
            }
            finally
            {
                if (isProgress)
                    Interlocked.Increment(ref _progressSettled);
            }
        }
    }
}
