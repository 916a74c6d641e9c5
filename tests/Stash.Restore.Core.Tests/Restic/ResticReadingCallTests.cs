using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Tests.Fakes;
using static Stash.Restore.Core.Tests.Fakes.FakeRun;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>A reading restic call: stdout to the caller line by line, restic's last complaint kept for the failure.</summary>
public sealed class ResticReadingCallTests
{
    private static readonly ProcessSpec Ls = new("/usr/bin/restic", ["ls", "--json", "2222", "--no-cache"], new Dictionary<string, string?> { ["RESTIC_REPOSITORY"] = "/repo" });

    [Fact]
    public async Task Stdout_lines_reach_the_caller_in_order_and_stderr_does_not()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(0,
            Err("repository 6f1a opened (version 2, compression level auto)"),
            Out("""{"struct_type":"snapshot","id":"2222"}"""),
            Out("""{"name":"x","type":"file","path":"/data/x","size":5,"struct_type":"node"}""")));
        var lines = new List<string>();

        var (result, lastError) = await ResticReadingCall.RunAsync(processes, Ls, lines.Add, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["""{"struct_type":"snapshot","id":"2222"}""", """{"name":"x","type":"file","path":"/data/x","size":5,"struct_type":"node"}"""], lines);
        Assert.Equal("repository 6f1a opened (version 2, compression level auto)", lastError);
        Assert.Same(Ls, Assert.Single(processes.Calls));
    }

    [Fact]
    public async Task A_failure_comes_back_with_restics_last_nonblank_complaint()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(10,
            Err("Fatal: repository does not exist: unable to open config file: stat /repo/config: no such file or directory"),
            Err("   ")));

        var (result, lastError) = await ResticReadingCall.RunAsync(processes, Ls, _ => Assert.Fail("no stdout expected"), CancellationToken.None);

        Assert.Equal(10, result.ExitCode);
        Assert.Equal("Fatal: repository does not exist: unable to open config file: stat /repo/config: no such file or directory", lastError);
    }

    [Fact]
    public async Task A_stopped_call_is_a_cancellation_naming_the_command()
    {
        using var stop = new CancellationTokenSource();
        var processes = new FakeProcessRunner().Then(_ =>
        {
            stop.Cancel();
            return new FakeRun(130, Err("signal interrupt received, cleaning up"));
        });

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ResticReadingCall.RunAsync(processes, Ls, _ => { }, stop.Token));

        Assert.Equal("restic ls was stopped", e.Message);
    }
}
