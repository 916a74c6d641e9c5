using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Processes;

public sealed class ProcessRunnerCommandLineTests
{
    private static IReadOnlyList<string> Argv(ProcessPriority? priority) =>
        ProcessRunner.CommandLine(
            new ProcessSpec("restic", ["restore", "latest"], new Dictionary<string, string?>()) { Priority = priority },
            name => "/bin/" + name);

    [Fact]
    public void No_priority_runs_the_program_directly() =>
        Assert.Equal(["/bin/restic", "restore", "latest"], Argv(null));

    [Fact]
    public void Nice_and_ionice_prefix_only_the_parts_that_are_set()
    {
        Assert.Equal(["/bin/nice", "-n", "5", "/bin/restic", "restore", "latest"], Argv(new ProcessPriority(5, null, null)));
        Assert.Equal(["/bin/ionice", "-t", "-c", "3", "/bin/restic", "restore", "latest"], Argv(new ProcessPriority(null, 3, null)));
        Assert.Equal(["/bin/nice", "-n", "-2", "/bin/ionice", "-t", "-c", "2", "-n", "7", "/bin/restic", "restore", "latest"], Argv(new ProcessPriority(-2, 2, 7)));
        Assert.Equal(["/bin/restic", "restore", "latest"], Argv(new ProcessPriority(null, null, null)));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(128, null)]
    [InlineData(130, 2)]
    [InlineData(137, 9)]
    [InlineData(143, 15)]
    [InlineData(255, null)]
    public void Signal_is_read_from_128_plus_n(int exitCode, int? signal) =>
        Assert.Equal(signal, ProcessRunner.SignalOf(exitCode));

    [Fact]
    public async Task Missing_program_is_a_clear_dependency_error()
    {
        var runner = new ProcessRunner();
        var e = await Assert.ThrowsAsync<ProgramNotFoundException>(() => runner.RunAsync(
            new ProcessSpec("no-such-program-xyz", [], new Dictionary<string, string?>()), null, CancellationToken.None));
        Assert.Contains("'no-such-program-xyz' not found on PATH", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.ExitCode);
    }
}
