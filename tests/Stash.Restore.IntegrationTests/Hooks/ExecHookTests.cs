using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Support;
using static Stash.Restore.Tests.Shared.HookTestKit;
using static Stash.Restore.Tests.Shared.HookContexts;

namespace Stash.Restore.IntegrationTests.Hooks;

/// <summary>Exec hooks in the executor's own container, through the real <see cref="ProcessRunner"/>.</summary>
public sealed class ExecHookTests : IDisposable
{
    private readonly LogCapture _log = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("hook-exec-").FullName;

    // Short graces: a test hook that ignores SIGINT must not hold the suite for 15 s.
    private readonly ProcessRunner _runner = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_succeeding_command_runs_with_rendered_argv_in_the_root_directory()
    {
        var output = Path.Combine(_dir, "out");
        var hook = Exec("/bin/sh", "-c", "pwd > \"$2\"; printf '%s' \"$1\" >> \"$2\"", "sh", "{{ .Namespace }}/{{ .Name }}@{{ .Hostname }}", output);

        var result = await Executor(_log.Logger, _runner).ExecuteAsync(hook, PreContext("host-2"), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("exit code 0", result.Message);
        Assert.Equal("/\ndemo/restore-mysql@host-2", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task A_failing_command_reports_its_exit_code_and_output()
    {
        var hook = Exec("/bin/sh", "-c", "echo flushing; echo 'cannot lock tables' >&2; exit 3");

        var result = await Executor(_log.Logger, _runner).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.StartsWith("exit code 3; last output: ", result.Message, StringComparison.Ordinal);
        Assert.Contains("flushing", result.Message, StringComparison.Ordinal);
        Assert.Contains("cannot lock tables", result.Message, StringComparison.Ordinal);
        Assert.Contains("cannot lock tables", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_shell_is_added_around_the_command()
    {
        var marker = Path.Combine(_dir, "pwned");
        var hook = Exec("echo", $"hello; touch {marker}", "$(touch " + marker + ")");

        var result = await Executor(_log.Logger, _runner).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.False(File.Exists(marker));
        Assert.Contains($"hello; touch {marker} $(touch {marker})", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hook_past_its_timeout_is_stopped()
    {
        var pidFile = Path.Combine(_dir, "pid");
        var hook = Exec("/bin/sh", "-c", "echo $$ > \"$0\"; exec sleep 30", pidFile);
        var options = new HookExecutorOptions { Timeout = TimeSpan.FromMilliseconds(500) };

        var result = await Executor(_log.Logger, _runner, options: options).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("timed out after 500ms", result.Message);
        var pid = (await File.ReadAllTextAsync(pidFile)).Trim();
        Assert.False(Directory.Exists($"/proc/{pid}"), $"hook process {pid} is still running");
    }

    [Fact]
    public async Task A_hook_that_ignores_sigint_is_still_stopped_at_the_timeout()
    {
        var pidFile = Path.Combine(_dir, "pid");
        var hook = Exec("/bin/sh", "-c", "trap '' INT TERM; echo $$ > \"$0\"; while :; do sleep 0.1; done", pidFile);
        var options = new HookExecutorOptions { Timeout = TimeSpan.FromMilliseconds(300) };

        var result = await Executor(_log.Logger, _runner, options: options).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("timed out after 300ms", result.Message);
        var pid = (await File.ReadAllTextAsync(pidFile)).Trim();
        Assert.False(Directory.Exists($"/proc/{pid}"), $"hook process {pid} is still running");
    }

    [Fact]
    public async Task A_missing_program_fails_with_a_clear_message()
    {
        var result = await Executor(_log.Logger, _runner).ExecuteAsync(Exec("/no/such/hook", "x"), PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("'/no/such/hook' does not exist or is not executable", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_printed_by_the_hook_is_masked()
    {
        var masker = new SecretMasker();
        masker.Add("hunter2-restic-pw");
        var hook = Exec("/bin/sh", "-c", "echo \"password is $0\"; exit 1", "hunter2-restic-pw");

        var result = await Executor(_log.Logger, _runner, masker).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("exit code 1; last output: password is ***", result.Message);
        Assert.DoesNotContain("hunter2-restic-pw", _log.Text, StringComparison.Ordinal);
        Assert.Contains("password is ***", _log.Text, StringComparison.Ordinal);
    }
}
