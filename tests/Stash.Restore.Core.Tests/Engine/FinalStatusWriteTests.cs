using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Tests.Fakes;
using Stash.Restore.Core.Tests.Families.Stash;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>The unit's final entry: the transport's whole budget when nothing stopped the run, 8 s after a stop, one line when it fails.</summary>
public sealed class FinalStatusWriteTests
{
    private const string ApiDown =
        "could not write status of host \"host-2\" to RestoreSession demo/sts-restore in 7 attempts (180.2s): patch restoresessions.stash.appscode.com \"sts-restore\" in namespace \"demo\": connection refused";

    [Fact]
    public async Task The_final_write_of_a_run_nothing_stopped_is_bounded_only_by_the_transport()
    {
        var clock = new ManualTimers();
        var rig = new PipelineRig { Clock = clock };
        IReadOnlyList<TimeSpan>? armedAtFinalWrite = null;
        rig.Status.BeforeUpsert = (entry, _) =>
        {
            if (entry.Phase != HostPhase.Running)
                armedAtFinalWrite = clock.Armed;
            return Task.CompletedTask;
        };

        var outcome = await rig.RunAsync();

        Assert.Equal((ExitCodes.Success, HostPhase.Succeeded), (outcome.ExitCode, rig.Status.Writes[^1].Phase));
        Assert.NotNull(armedAtFinalWrite);
        Assert.Empty(armedAtFinalWrite);
    }

    [Fact]
    public async Task The_final_write_after_SIGTERM_has_8_seconds()
    {
        var clock = new ManualTimers();
        var rig = new PipelineRig { Clock = clock };
        using var stop = new CancellationTokenSource();
        rig.Restic.OnRun = async ct =>
        {
            rig.Interruption.Record("terminated by SIGTERM", ExitCodes.Terminated);
            await stop.CancelAsync();
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };
        IReadOnlyList<TimeSpan>? armedAtFinalWrite = null;
        rig.Status.BeforeUpsert = (entry, _) =>
        {
            if (entry.Phase != HostPhase.Running)
                armedAtFinalWrite = clock.Armed;
            return Task.CompletedTask;
        };

        var outcome = await rig.RunAsync(cancellationToken: stop.Token);

        Assert.Equal((ExitCodes.Terminated, "terminated by SIGTERM"), (outcome.ExitCode, rig.Status.Writes[^1].Error));
        Assert.Contains(TimeSpan.FromSeconds(8), armedAtFinalWrite!);
    }

    [Fact]
    public async Task A_restored_host_whose_Succeeded_cannot_be_written_exits_3_with_one_line_saying_the_data_is_in_place()
    {
        var rig = new PipelineRig();
        rig.Status.BeforeUpsert = (entry, _) => entry.Phase == HostPhase.Running ? Task.CompletedTask : throw new DependencyUnavailableException(ApiDown);

        var e = await Assert.ThrowsAsync<StatusNotRecordedException>(() => rig.RunAsync());

        Assert.Equal(ExitCodes.DependencyUnavailable, e.ExitCode);
        Assert.Matches(@"^could not record host ""host-2"" Succeeded after (\d+m)?\d+s of retries: could not write status of host ""host-2"" .*: connection refused; the restored data is in place$", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(rig.Events.Events);
    }

    [Fact]
    public async Task A_failed_host_whose_Failed_cannot_be_written_names_its_error_and_that_the_restore_had_failed()
    {
        var rig = new PipelineRig();
        rig.Restic.OnRun = _ => throw new RestoreFailedException($"restic: wrong password {PipelineRig.Password}");
        rig.Status.BeforeUpsert = (entry, _) => entry.Phase == HostPhase.Running ? Task.CompletedTask : throw new DependencyUnavailableException(ApiDown);

        var e = await Assert.ThrowsAsync<StatusNotRecordedException>(() => rig.RunAsync());

        Assert.Equal(ExitCodes.DependencyUnavailable, e.ExitCode);
        Assert.StartsWith("could not record host \"host-2\" Failed (restic: wrong password ***) after ", e.Message);
        Assert.EndsWith("connection refused; the restore had failed", e.Message);
    }

    [Fact]
    public async Task A_write_cut_by_the_8_seconds_after_SIGTERM_keeps_exit_143_and_says_so()
    {
        var rig = new PipelineRig();
        using var stop = new CancellationTokenSource();
        rig.Restic.OnRun = async ct =>
        {
            rig.Interruption.Record("terminated by SIGTERM", ExitCodes.Terminated);
            await stop.CancelAsync();
            await StopWait.UntilStoppedAsync(ct);
            return null!;
        };
        rig.Status.BeforeUpsert = (entry, _) => entry.Phase == HostPhase.Running ? Task.CompletedTask : throw new OperationCanceledException();

        var e = await Assert.ThrowsAsync<StatusNotRecordedException>(() => rig.RunAsync(cancellationToken: stop.Token));

        Assert.Equal(ExitCodes.Terminated, e.ExitCode);
        Assert.Equal("could not record host \"host-2\" Failed (terminated by SIGTERM) within the 8s a stopped run has: no answer in time; the restore had failed", e.Message);
    }
}
