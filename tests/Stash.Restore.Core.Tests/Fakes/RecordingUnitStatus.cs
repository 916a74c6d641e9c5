using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.Fakes;

/// <summary>
/// A unit's status entry as the engine sees it: starts at <see cref="Phase"/>, keeps every entry, hook
/// result and progress write in order; a test can make a write fail (<see cref="BeforeWrite"/>, <see cref="BeforeHookRecord"/>), hold a
/// progress write open (<see cref="Gate"/>) or fail it (<see cref="Fail"/>).
/// </summary>
internal sealed class RecordingUnitStatus : IUnitStatus
{
    private int _settled;

    /// <summary>The unit's phase before the run (null: no entry yet).</summary>
    public string? Phase { get; init; }

    /// <summary>Where each call is noted as it happens, alongside the other fakes' steps.</summary>
    public StepJournal? Steps { get; init; }

    public List<UnitStatusEntry> Entries { get; } = [];
    public List<(HookStage Stage, HookResult Result)> Hooks { get; } = [];
    public List<UnitProgress> Progress { get; } = [];
    public int Attempts { get; private set; }
    public TaskCompletionSource? Gate { get; init; }
    public Exception? Fail { get; init; }

    /// <summary>What happens before each entry is written (e.g. the API down: it throws, and nothing is written).</summary>
    public Func<UnitStatusEntry, CancellationToken, Task> BeforeWrite { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>Waits until <paramref name="writes"/> progress writes have returned (or thrown).</summary>
    public Task Settled(int writes, Action resend) => ProgressWrites.SpinUntil(() => Volatile.Read(ref _settled) >= writes, resend);

    public Task<string?> GetPhaseAsync(CancellationToken cancellationToken)
    {
        Steps?.Add("read phase");
        return Task.FromResult(Phase);
    }

    public async Task WriteAsync(UnitStatusEntry entry, CancellationToken cancellationToken)
    {
        await BeforeWrite(entry, cancellationToken);
        Steps?.Add($"write {entry.Phase}");
        Entries.Add(entry);
    }

    public async Task ReportProgressAsync(UnitProgress progress, CancellationToken cancellationToken)
    {
        Attempts++;
        try
        {
            if (Gate is not null)
                await Gate.Task;
            if (Fail is not null)
                throw Fail;
            Progress.Add(progress);
        }
        finally
        {
            Interlocked.Increment(ref _settled);
        }
    }

    /// <summary>What happens before a hook's result is recorded (e.g. the API down: it throws, and nothing is recorded).</summary>
    public Func<HookStage, CancellationToken, Task> BeforeHookRecord { get; set; } = (_, _) => Task.CompletedTask;

    public async Task RecordHookAsync(HookStage stage, HookResult result, CancellationToken cancellationToken)
    {
        await BeforeHookRecord(stage, cancellationToken);
        Steps?.Add($"record {stage}");
        Hooks.Add((stage, result));
    }
}

/// <summary>The steps of one run across the fakes, in the order they happened.</summary>
internal sealed class StepJournal
{
    private readonly Lock _gate = new();
    private readonly List<string> _steps = [];

    public IReadOnlyList<string> Steps
    {
        get
        {
            lock (_gate)
                return _steps.ToArray();
        }
    }

    public void Add(string step)
    {
        lock (_gate)
            _steps.Add(step);
    }
}

/// <summary>Waiting for a throttled progress write to land.</summary>
internal static class ProgressWrites
{
    /// <summary>
    /// Waits for a write, handing the same report to the throttle again while it is not there. The store
    /// counts a write as returned a moment before the throttle's own task ends; a report arriving in that
    /// moment is dropped as "in flight", as it should be, and restic would report again a second later.
    /// A report the throttle refuses for any other reason is refused again, and the wait times out.
    /// </summary>
    public static async Task SpinUntil(Func<bool> done, Action resend)
    {
        for (var i = 0; i < 500 && !done(); i++)
        {
            await Task.Delay(10);
            if (!done())
                resend();
        }
        Xunit.Assert.True(done(), "timed out waiting for the write");
    }
}
