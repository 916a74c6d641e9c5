using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Engine;

public sealed class StatusWriteBudgetTests
{
    [Fact]
    public void A_write_of_a_run_nothing_stopped_has_no_time_limit_of_its_own()
    {
        var clock = new ManualTimers();
        using var run = new CancellationTokenSource();
        using var budget = new StatusWriteBudget(run.Token, clock);

        Assert.Empty(clock.Armed);
        Assert.False(budget.Token.IsCancellationRequested);
        Assert.False(budget.CutShort);
    }

    [Fact]
    public void A_write_after_a_stop_has_8_seconds()
    {
        var clock = new ManualTimers();
        using var run = new CancellationTokenSource();
        run.Cancel();
        using var budget = new StatusWriteBudget(run.Token, clock);

        Assert.Equal([TimeSpan.FromSeconds(8)], clock.Armed);
        Assert.True(budget.CutShort);
        clock.FireArmed();
        Assert.True(budget.Token.IsCancellationRequested);
    }

    [Fact]
    public void A_stop_that_comes_during_the_write_leaves_it_8_seconds_from_then()
    {
        var clock = new ManualTimers();
        using var run = new CancellationTokenSource();
        using var budget = new StatusWriteBudget(run.Token, clock);
        Assert.Empty(clock.Armed);

        run.Cancel();

        Assert.Equal([TimeSpan.FromSeconds(8)], clock.Armed);
        Assert.False(budget.Token.IsCancellationRequested);
        clock.FireArmed();
        Assert.True(budget.Token.IsCancellationRequested);
    }
}
