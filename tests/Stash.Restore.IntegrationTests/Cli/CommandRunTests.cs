using Stash.Restore.Cli;
using Stash.Restore.Cli.Commands;
using Stash.Restore.Core;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// What stops a command's run becomes one line on stderr and the documented exit code (SPEC §3):
/// the real run (logger, masker) around a body that stops the way a restore can.
/// </summary>
public sealed class CommandRunTests
{
    private sealed record Run(int ExitCode, string Error);

    private static async Task<Run> RunAsync(Func<CommandRun, Task<int>> body, RestoreOptions? options = null, Interruption? interruption = null)
    {
        using var error = new StringWriter();
        var host = new CliHost(new Dictionary<string, string>(), TextWriter.Null, error, TimeProvider.System, new ProcessRunner(),
            "test-machine", false, interruption ?? new Interruption());
        var code = await CommandRun.RunAsync(host, options ?? new RestoreOptions { LogFormat = "text" }, body);
        return new Run(code, error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [InlineData(ExitCodes.InvalidInput)]
    [InlineData(ExitCodes.DependencyUnavailable)]
    [InlineData(ExitCodes.RestoreFailed)]
    public async Task A_restore_error_is_its_own_exit_code_and_its_message_on_one_line(int exitCode)
    {
        RestoreException error = exitCode switch
        {
            ExitCodes.InvalidInput => new InvalidInputException("RestoreSession demo/rs: spec.target is required"),
            ExitCodes.DependencyUnavailable => new DependencyUnavailableException("RestoreSession demo/rs: spec.target is required"),
            _ => new RestoreFailedException("RestoreSession demo/rs: spec.target is required"),
        };

        var run = await RunAsync(_ => throw error);

        Assert.Equal(exitCode, run.ExitCode);
        var line = Assert.Single(Lines(run.Error));
        Assert.Contains("RestoreSession demo/rs: spec.target is required", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_stopped_by_a_signal_exits_with_the_signals_code_and_says_why()
    {
        var interruption = new Interruption();
        interruption.Record("terminated by SIGTERM", ExitCodes.Terminated);

        var run = await RunAsync(_ => throw new OperationCanceledException(), interruption: interruption);

        Assert.Equal(ExitCodes.Terminated, run.ExitCode);
        Assert.Contains("Stopped: terminated by SIGTERM", Assert.Single(Lines(run.Error)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("http")]
    [InlineData("cancelled")]
    public async Task A_server_that_does_not_answer_is_exit_3_naming_what_gave_up(string how)
    {
        Exception error = how switch
        {
            "timeout" => new TimeoutException("pushgateway did not answer"),
            "http" => new HttpRequestException("Connection refused (127.0.0.1:1)"),
            _ => new OperationCanceledException("pushgateway did not answer"),
        };

        var run = await RunAsync(_ => throw error);

        Assert.Equal(ExitCodes.DependencyUnavailable, run.ExitCode);
        Assert.Contains($"no answer from a server the run needs ({error.GetType().Name}: {error.Message})", Assert.Single(Lines(run.Error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_other_failure_is_exit_1_and_one_line_naming_it_without_a_stack_trace()
    {
        var run = await RunAsync(_ => throw new InvalidOperationException("the target directory vanished"));

        Assert.Equal(ExitCodes.RestoreFailed, run.ExitCode);
        Assert.Contains("unexpected error (InvalidOperationException): the target directory vanished", Assert.Single(Lines(run.Error)), StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_the_run_knows_is_masked_in_the_line_that_stops_it()
    {
        const string password = "pa55-word-never-printed";

        var run = await RunAsync(r =>
        {
            r.Masker.Add(password);
            throw new InvalidOperationException($"could not open /secret/{password}");
        });

        Assert.Equal(ExitCodes.RestoreFailed, run.ExitCode);
        Assert.DoesNotContain(password, run.Error, StringComparison.Ordinal);
        Assert.Contains("could not open /secret/***", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flags_that_have_no_effect_are_named_in_one_warning_and_the_run_goes_on()
    {
        var options = new RestoreOptions { LogFormat = "text", NoEffectFlagsGiven = ["--enable-analytics", "--service-name"] };

        var run = await RunAsync(_ => Task.FromResult(ExitCodes.Success), options);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("Flags --enable-analytics, --service-name are accepted for compatibility with Stash operators and have no effect",
            Assert.Single(Lines(run.Error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_finishes_returns_its_bodys_exit_code_and_says_nothing_when_no_flag_needs_a_warning()
    {
        var run = await RunAsync(_ => Task.FromResult(ExitCodes.RestoreFailed));

        Assert.Equal(ExitCodes.RestoreFailed, run.ExitCode);
        Assert.Equal("", run.Error);
    }
}
