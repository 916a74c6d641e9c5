using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;
using static Stash.Restore.Tests.Shared.HookTestKit;
using static Stash.Restore.Tests.Shared.HookContexts;

namespace Stash.Restore.Core.Tests.Hooks;

public sealed class HookExecutorExecTests
{
    private readonly CollectingSink _log = new();

    [Fact]
    public async Task Runs_the_command_as_argv_without_a_shell_with_templates_rendered_per_argument()
    {
        var runner = FakeProcessRunner.Exits(0);
        var hook = Exec("/usr/bin/mysql-ready", "--host", "{{ .Hostname }}", "a b; rm -rf /", "{{.Namespace}}/{{.Name}}");

        var result = await Executor(_log.Logger(), runner).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        var spec = Assert.Single(runner.Calls);
        Assert.Equal("/usr/bin/mysql-ready", spec.FileName);
        Assert.Equal(["--host", "host-1", "a b; rm -rf /", "demo/restore-mysql"], spec.Arguments);
        Assert.Equal("/", spec.WorkingDirectory);
        Assert.Empty(spec.Environment);
        Assert.Null(spec.Priority);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("stash-init")]
    public async Task Empty_or_own_container_runs_locally(string? containerName)
    {
        var runner = FakeProcessRunner.Exits(0);
        var podExec = new FakePodExec((_, _, _, _) => Task.FromResult(0));
        var hook = Exec("true") with { ContainerName = containerName };

        var result = await Executor(_log.Logger(), runner, podExec: podExec).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Single(runner.Calls);
        Assert.Empty(podExec.Calls);
    }

    [Fact]
    public async Task The_own_container_name_is_an_option()
    {
        var runner = FakeProcessRunner.Exits(0);
        var podExec = new FakePodExec((_, _, _, _) => Task.FromResult(0));
        var options = new HookExecutorOptions { OwnContainerName = "stash-restore" };

        await Executor(_log.Logger(), runner, podExec: podExec, options: options)
            .ExecuteAsync(Exec("true") with { ContainerName = "stash-restore" }, PreContext(), CancellationToken.None);
        await Executor(_log.Logger(), runner, podExec: podExec, options: options)
            .ExecuteAsync(Exec("true") with { ContainerName = "stash-init" }, PreContext(), CancellationToken.None);

        Assert.Single(runner.Calls);
        Assert.Equal("stash-init", Assert.Single(podExec.Calls).Container);
    }

    [Fact]
    public async Task A_non_zero_exit_fails_naming_the_code_and_the_last_output_lines()
    {
        var lines = Enumerable.Range(1, 30).Select(i => $"line {i}").ToArray();
        var runner = FakeProcessRunner.Exits(3, lines);

        var result = await Executor(_log.Logger(), runner).ExecuteAsync(Exec("/bin/check"), PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.StartsWith("exit code 3; last output: line 11 | line 12", result.Message, StringComparison.Ordinal);
        Assert.EndsWith("line 30", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("line 10 ", result.Message, StringComparison.Ordinal);
        Assert.Contains("line 30", _log.Text, StringComparison.Ordinal);
        Assert.Contains("Error: preRestore hook failed for host host-1: exit code 3; last output:", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_killed_by_a_signal_fails()
    {
        var runner = new FakeProcessRunner((_, _, _) => Task.FromResult(new ProcessResult(137, 9, TimeSpan.Zero, false)));

        var result = await Executor(_log.Logger(), runner).ExecuteAsync(Exec("/bin/check"), PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("exit code 137 (killed by signal 9)", result.Message);
    }

    [Fact]
    public async Task A_program_that_cannot_start_fails_with_the_reason()
    {
        var runner = new FakeProcessRunner((_, _, _) =>
            throw new System.ComponentModel.Win32Exception(2, "No such file or directory"));

        var result = await Executor(_log.Logger(), runner).ExecuteAsync(Exec("/no/such/program"), PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("cannot run /no/such/program: No such file or directory", result.Message);
    }

    [Fact]
    public async Task A_hook_past_its_timeout_is_stopped_and_fails()
    {
        var runner = FakeProcessRunner.Hangs();
        var options = new HookExecutorOptions { Timeout = TimeSpan.FromMilliseconds(200) };

        var result = await Executor(_log.Logger(), runner, options: options).ExecuteAsync(Exec("sleep", "30"), PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("timed out after 200ms", result.Message);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_reported_as_a_timeout()
    {
        var runner = FakeProcessRunner.Hangs();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Executor(_log.Logger(), runner).ExecuteAsync(Exec("sleep", "30"), PreContext(), cts.Token));
    }

    [Fact]
    public async Task Secrets_printed_by_a_hook_are_masked_in_the_log_and_the_message()
    {
        var masker = new SecretMasker();
        masker.Add("s3cr3t-passw0rd");
        var runner = FakeProcessRunner.Exits(1, "connecting with password s3cr3t-passw0rd", "denied");

        var result = await Executor(_log.Logger(), runner, masker).ExecuteAsync(
            Exec("/bin/sh", "-c", "echo s3cr3t-passw0rd"), PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("exit code 1; last output: connecting with password *** | denied", result.Message);
        Assert.DoesNotContain("s3cr3t-passw0rd", _log.Text, StringComparison.Ordinal);
        Assert.Contains("password ***", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_container_runs_through_pods_exec()
    {
        var podExec = new FakePodExec((_, _, onLine, _) =>
        {
            onLine(OutputStream.StandardError, "FLUSH TABLES failed");
            return Task.FromResult(2);
        });
        var runner = FakeProcessRunner.Exits(0);
        var hook = Exec("mysql", "-e", "FLUSH TABLES; -- {{ .Hostname }}") with { ContainerName = "mysql" };

        var result = await Executor(_log.Logger(), runner, podExec: podExec).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.Empty(runner.Calls);
        var call = Assert.Single(podExec.Calls);
        Assert.Equal("mysql", call.Container);
        Assert.Equal(["mysql", "-e", "FLUSH TABLES; -- host-1"], call.Command);
        Assert.False(result.Succeeded);
        Assert.Equal("exit code 2 in container mysql; last output: FLUSH TABLES failed", result.Message);
    }

    [Fact]
    public async Task Pods_exec_success_and_failure_to_connect()
    {
        var ok = new FakePodExec((_, _, _, _) => Task.FromResult(0));
        var broken = new FakePodExec((_, _, _, _) => throw new PodExecException("pods \"app-0\" is forbidden: cannot create pods/exec"));
        var hook = Exec("true") with { ContainerName = "app" };

        var succeeded = await Executor(_log.Logger(), FakeProcessRunner.Exits(0), podExec: ok).ExecuteAsync(hook, PreContext(), CancellationToken.None);
        var failed = await Executor(_log.Logger(), FakeProcessRunner.Exits(0), podExec: broken).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.True(succeeded.Succeeded);
        Assert.False(failed.Succeeded);
        Assert.Equal("pods/exec in container app: pods \"app-0\" is forbidden: cannot create pods/exec", failed.Message);
    }

    [Fact]
    public async Task Pods_exec_past_the_timeout_fails()
    {
        var hanging = new FakePodExec(async (_, _, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        });
        var options = new HookExecutorOptions { Timeout = TimeSpan.FromMilliseconds(150) };

        var result = await Executor(_log.Logger(), FakeProcessRunner.Exits(0), podExec: hanging, options: options)
            .ExecuteAsync(Exec("sleep", "60") with { ContainerName = "app" }, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("timed out after 150ms", result.Message);
        Assert.Contains("may still be running", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_container_without_a_cluster_fails_saying_so()
    {
        var runner = FakeProcessRunner.Exits(0);

        var result = await Executor(_log.Logger(), runner).ExecuteAsync(Exec("true") with { ContainerName = "mysql" }, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Empty(runner.Calls);
        Assert.Equal("container mysql is not the executor's own (stash-init) and no cluster is available", result.Message);
    }

    [Fact]
    public async Task An_unknown_template_field_fails_the_hook_without_running_it()
    {
        var runner = FakeProcessRunner.Exits(0);

        var result = await Executor(_log.Logger(), runner).ExecuteAsync(Exec("echo", "{{ .Foo }}"), PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Empty(runner.Calls);
        Assert.StartsWith("invalid hook: template: exec.command[1]:1:3: unknown field .Foo", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_restore_exec_hooks_see_the_outcome()
    {
        var runner = FakeProcessRunner.Exits(0);
        var hook = Exec("/notify", "{{ .Status.Phase }}", "{{ .Status.Error }}");

        await Executor(_log.Logger(), runner).ExecuteAsync(hook, PostContext(), CancellationToken.None);

        Assert.Equal(["Failed", "restic exited 1"], Assert.Single(runner.Calls).Arguments);
    }
}
