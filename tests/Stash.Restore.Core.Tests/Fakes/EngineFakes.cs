using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Fakes;

/// <summary>restic as the pipeline sees it: records plans and runs, answers as told.</summary>
internal sealed class FakeResticRestore : IResticRestore
{
    public List<ResticRestoreOptions> PlannedOptions { get; } = [];
    public List<ResticRestoreRequest> PlannedRequests { get; } = [];
    public int Runs { get; private set; }
    public Func<CancellationToken, Task<ResticRestoreSummary>> OnRun { get; set; } = _ => Task.FromResult(new ResticRestoreSummary(3, 0, 300, 0) { DirectoriesRestored = 1 });

    public Task<ResticInstallation> LocateAsync(BackendLocation location, CancellationToken cancellationToken) =>
        Task.FromResult(new ResticInstallation("/usr/bin/restic", new Version(0, 18, 0)));

    public ResticPlan Plan(ResticRestoreRequest request, ResticRestoreOptions options, ResticInstallation restic)
    {
        PlannedRequests.Add(request);
        PlannedOptions.Add(options);
        var spec = new ProcessSpec("restic", ["restore", "latest", "--host", request.Selections[0].Host ?? ""], new Dictionary<string, string?> { ["RESTIC_PASSWORD"] = request.Credentials["RESTIC_PASSWORD"] });
        return new ResticPlan("local:/repo", [new ResticInvocation("latest of /data", spec)]);
    }

    public Task<IReadOnlyList<ResticSnapshot>> ListSnapshotsAsync(ResticPlan plan, SecretMasker masker, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a restore never lists snapshots up front");

    /// <summary>How many times the engine asked for a mirror plan's snapshot paths (a plan without mirror calls comes back as it is).</summary>
    public int Scopes { get; private set; }

    public Task<ResticPlan> ScopeMirrorAsync(ResticPlan plan, CancellationToken cancellationToken)
    {
        Scopes++;
        return Task.FromResult(plan);
    }

    public Task<IReadOnlyList<CallPreview>> PreviewAsync(ResticPlan plan, ILogger log, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a restore never previews");

    /// <summary>The engine's progress receiver of the current run: an <see cref="OnRun"/> reports restic's status lines to it.</summary>
    public IProgress<UnitProgress>? Progress { get; private set; }

    public Task<ResticRestoreSummary> RunAsync(ResticPlan plan, ILogger log, IProgress<UnitProgress>? progress, CancellationToken cancellationToken)
    {
        Runs++;
        Progress = progress;
        return OnRun(cancellationToken);
    }
}

/// <summary>
/// Hooks as the pipeline sees them. Like the real executor it honours its token: a hook handed a
/// cancelled token never starts (it is not recorded in <see cref="Calls"/>), and one cancelled
/// while <see cref="WhileRunning"/> waits throws <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class FakeHookExecutor : IHookExecutor
{
    public List<HookContext> Calls { get; } = [];
    public Func<HookContext, HookResult> Answer { get; set; } = _ => new HookResult(true, "ok");

    /// <summary>What the hook does before it answers (e.g. wait while a deadline passes).</summary>
    public Func<HookContext, CancellationToken, Task> WhileRunning { get; set; } = (_, _) => Task.CompletedTask;

    public async Task<HookResult> ExecuteAsync(HookSpec hook, HookContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Calls.Add(context);
        await WhileRunning(context, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return Answer(context);
    }
}

/// <summary>What a fake restic or hook does while it waits to be stopped: a bounded wait, so a run that is never stopped fails the test instead of hanging it.</summary>
internal static class StopWait
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Waits until <paramref name="cancellationToken"/> is cancelled; throws a test failure after <see cref="Bound"/>.</summary>
    public static async Task UntilStoppedAsync(CancellationToken cancellationToken, string what = "restic")
    {
        await Task.Delay(Bound, cancellationToken);
        throw new Xunit.Sdk.XunitException($"{what} was not stopped within {Bound.TotalSeconds} s");
    }
}

/// <summary>Keeps every Event the engine records.</summary>
internal sealed class RecordingEvents : IRestoreEventRecorder
{
    public List<RestoreEvent> Events { get; } = [];

    public Task RecordAsync(RestoreEvent restoreEvent, CancellationToken cancellationToken)
    {
        Events.Add(restoreEvent);
        return Task.CompletedTask;
    }
}

/// <summary>Claims that are always granted and that a test can take away (<see cref="LoseIt"/>); each claim and release is noted.</summary>
internal sealed class LosableClaims : IUnitClaims
{
    public CancellationTokenSource LoseIt { get; } = new();

    /// <summary>Where <c>claim &lt;unit&gt;</c> and <c>release &lt;unit&gt;</c> are noted as they happen.</summary>
    public StepJournal? Steps { get; init; }

    public Task<IUnitClaim> AcquireAsync(string hostname, CancellationToken cancellationToken)
    {
        Steps?.Add($"claim {hostname}");
        return Task.FromResult<IUnitClaim>(new Claim(LoseIt.Token, () => Steps?.Add($"release {hostname}")));
    }

    private sealed class Claim(CancellationToken lost, Action released) : IUnitClaim
    {
        public CancellationToken Lost => lost;

        public ValueTask DisposeAsync()
        {
            released();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Keeps every metrics report the engine pushes; <see cref="Fail"/> makes the push fail as a Pushgateway away would.</summary>
internal sealed class RecordingMetrics : IRestoreMetricsPublisher
{
    public List<UnitRestoreReport> Reports { get; } = [];
    public Exception? Fail { get; init; }

    public Task PublishAsync(UnitRestoreReport report, CancellationToken cancellationToken)
    {
        if (Fail is not null)
            throw Fail;
        Reports.Add(report);
        return Task.CompletedTask;
    }
}
