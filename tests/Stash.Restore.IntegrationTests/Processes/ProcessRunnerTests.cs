using System.Collections.Concurrent;
using System.Globalization;
using Stash.Restore.Core.Processes;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Processes;

/// <summary>The process runner against real child processes.</summary>
public sealed class ProcessRunnerTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    // Short graces keep the escalation tests fast; production uses the defaults.
    private readonly ProcessRunner _runner = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));

    private async Task<(ProcessResult Result, List<string> Out, List<string> Err)> RunAsync(ProcessSpec spec, CancellationToken cancellationToken = default)
    {
        var stdout = new List<string>();
        var stderr = new List<string>();
        var result = await _runner.RunAsync(spec, (stream, line) => (stream == OutputStream.StandardOutput ? stdout : stderr).Add(line), cancellationToken);
        return (result, stdout, stderr);
    }

    [Fact]
    public async Task Argv_reaches_the_child_verbatim()
    {
        string[] args = ["a b", "\"double\"", "it's", "$HOME", "`id`", "; rm -rf /", "*", "", "tab\there", "ünïcødé"];
        var (result, stdout, _) = await RunAsync(new ProcessSpec("printf", ["%s\\n", .. args], NoEnvironment));
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Signal);
        Assert.False(result.WasCancelled);
        Assert.Equal(args, stdout);
    }

    [Fact]
    public async Task A_raised_oom_score_reaches_the_child_behind_nice_and_the_executors_is_untouched()
    {
        var own = int.Parse(File.ReadAllText("/proc/self/oom_score_adj").Trim(), CultureInfo.InvariantCulture);
        // The runner raises the score before it closes the child's stdin: a child that waits for that EOF reads the raised score.
        var spec = new ProcessSpec("sh", ["-c", "read -r line; cat /proc/self/oom_score_adj"], NoEnvironment)
        {
            Priority = new ProcessPriority(5, null, null),
            OomScoreRaise = 500,
        };

        var (result, stdout, _) = await RunAsync(spec);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([Math.Min(1000, own + 500).ToString(CultureInfo.InvariantCulture)], stdout);
        Assert.Equal(own, int.Parse(File.ReadAllText("/proc/self/oom_score_adj").Trim(), CultureInfo.InvariantCulture));
        var (_, plain, _) = await RunAsync(new ProcessSpec("cat", ["/proc/self/oom_score_adj"], NoEnvironment));
        Assert.Equal([own.ToString(CultureInfo.InvariantCulture)], plain);
    }

    [Fact]
    public async Task Environment_is_set_and_removed_per_spec_and_working_directory_applies()
    {
        Environment.SetEnvironmentVariable("STASH_TEST_INHERITED", "inherited-value");
        var dir = Directory.CreateTempSubdirectory("runner-cwd-").FullName;
        try
        {
            var env = new Dictionary<string, string?> { ["STASH_TEST_SET"] = "x y=z", ["STASH_TEST_INHERITED"] = null };
            var (result, stdout, _) = await RunAsync(new ProcessSpec("env", [], env, dir));
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("STASH_TEST_SET=x y=z", stdout);
            Assert.DoesNotContain(stdout, l => l.StartsWith("STASH_TEST_INHERITED=", StringComparison.Ordinal));

            var (_, pwd, _) = await RunAsync(new ProcessSpec("pwd", ["-P"], NoEnvironment, dir));
            Assert.Equal([dir], pwd);
        }
        finally
        {
            Environment.SetEnvironmentVariable("STASH_TEST_INHERITED", null);
            Directory.Delete(dir);
        }
    }

    [Fact]
    public async Task Stdin_is_closed_so_a_reader_sees_end_of_file()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (result, stdout, _) = await RunAsync(new ProcessSpec("cat", [], NoEnvironment), timeout.Token);
        Assert.False(result.WasCancelled);
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Large_interleaved_stdout_and_stderr_do_not_deadlock_and_keep_order()
    {
        const int lines = 50_000;
        var script = $"i=0; while [ $i -lt {lines} ]; do echo out$i; echo err$i >&2; i=$((i+1)); done; exit 3";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var (result, stdout, stderr) = await RunAsync(new ProcessSpec("sh", ["-c", script], NoEnvironment), timeout.Token);
        Assert.False(result.WasCancelled);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(Enumerable.Range(0, lines).Select(i => "out" + i), stdout);
        Assert.Equal(Enumerable.Range(0, lines).Select(i => "err" + i), stderr);
    }

    [RequiresSigintDeliverableFact]
    public async Task Cancellation_sends_sigint_first()
    {
        using var cts = new CancellationTokenSource();
        var lines = new ConcurrentQueue<string>();
        var script = "trap 'echo got-int; exit 42' INT; echo ready; while :; do sleep 0.05; done";
        var run = _runner.RunAsync(new ProcessSpec("sh", ["-c", script], NoEnvironment), (_, line) =>
        {
            lines.Enqueue(line);
            if (line == "ready")
                cts.Cancel();
        }, cts.Token);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.WasCancelled);
        Assert.Equal(42, result.ExitCode);
        Assert.Equal(["ready", "got-int"], lines);
    }

    [Fact]
    public async Task Cancellation_escalates_to_sigterm_when_sigint_is_ignored()
    {
        using var cts = new CancellationTokenSource();
        var lines = new ConcurrentQueue<string>();
        var script = "trap '' INT; trap 'echo got-term; exit 43' TERM; echo ready; while :; do sleep 0.05; done";
        var result = await _runner.RunAsync(new ProcessSpec("sh", ["-c", script], NoEnvironment), (_, line) =>
        {
            lines.Enqueue(line);
            if (line == "ready")
                cts.Cancel();
        }, cts.Token).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.WasCancelled);
        Assert.Equal(43, result.ExitCode);
        Assert.Equal(["ready", "got-term"], lines);
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_tree_when_both_signals_are_ignored()
    {
        using var cts = new CancellationTokenSource();
        int? grandchild = null;
        var script = "trap '' INT TERM; sleep 300 & echo $!; wait; wait; wait";
        var result = await _runner.RunAsync(new ProcessSpec("sh", ["-c", script], NoEnvironment), (_, line) =>
        {
            grandchild = int.Parse(line, CultureInfo.InvariantCulture);
            cts.Cancel();
        }, cts.Token).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.WasCancelled);
        Assert.Equal(9, result.Signal);
        Assert.Equal(137, result.ExitCode);
        Assert.NotNull(grandchild);
        await AssertGoneAsync(grandchild.Value);
    }

    [RequiresSigintDeliverableFact]
    public async Task Children_left_behind_by_a_child_that_obeyed_sigint_are_killed()
    {
        using var cts = new CancellationTokenSource();
        int? grandchild = null;
        // The shell dies on SIGINT; its background sleep (SIGINT ignored, as for any background job) would live on.
        var script = "sleep 300 & echo $!; wait";
        var result = await _runner.RunAsync(new ProcessSpec("sh", ["-c", script], NoEnvironment), (_, line) =>
        {
            grandchild = int.Parse(line, CultureInfo.InvariantCulture);
            cts.Cancel();
        }, cts.Token).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.WasCancelled);
        Assert.Equal(2, result.Signal);
        Assert.NotNull(grandchild);
        await AssertGoneAsync(grandchild.Value);
    }

    [Theory]
    [InlineData("KILL", 9)]
    [InlineData("TERM", 15)]
    [InlineData("SEGV", 11)]
    public async Task Exit_by_signal_is_reported(string signal, int number)
    {
        var (result, _, _) = await RunAsync(new ProcessSpec("sh", ["-c", $"kill -{signal} $$"], NoEnvironment));
        Assert.False(result.WasCancelled);
        Assert.Equal(number, result.Signal);
        Assert.Equal(128 + number, result.ExitCode);
    }

    [Fact]
    public async Task Plain_exit_codes_have_no_signal()
    {
        var (result, _, _) = await RunAsync(new ProcessSpec("sh", ["-c", "exit 12"], NoEnvironment));
        Assert.Equal(12, result.ExitCode);
        Assert.Null(result.Signal);
    }

    [Fact]
    public async Task Nice_and_ionice_apply_to_the_running_child_only()
    {
        using var cts = new CancellationTokenSource();
        var observed = new TaskCompletionSource<(int Pid, int ParentPid, int Nice, string IoNice)>();
        var spec = new ProcessSpec("sh", ["-c", "echo $$; exec sleep 60"], NoEnvironment) { Priority = new ProcessPriority(7, 2, 5) };
        var run = _runner.RunAsync(spec, (stream, line) =>
        {
            if (stream != OutputStream.StandardOutput || observed.Task.IsCompleted)
                return;
            var pid = int.Parse(line, CultureInfo.InvariantCulture);
            var fields = ProcStat(pid);
            var ionice = new List<string>();
            var ioniceResult = new ProcessRunner().RunAsync(new ProcessSpec("ionice", ["-p", pid.ToString(CultureInfo.InvariantCulture)], NoEnvironment), (_, l) => ionice.Add(l), CancellationToken.None).GetAwaiter().GetResult();
            observed.SetResult((pid, int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[16], CultureInfo.InvariantCulture), string.Join(' ', ionice) + $" (exit {ioniceResult.ExitCode})"));
            cts.Cancel();
        }, cts.Token);
        var (pid, parent, nice, io) = await observed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.WasCancelled);
        // nice and ionice exec'd into the program: the process that printed its pid is our direct child.
        Assert.Equal(Environment.ProcessId, parent);
        Assert.Equal(7, nice);
        Assert.Equal("best-effort: prio 5 (exit 0)", io);
        Assert.Equal(0, int.Parse(ProcStat(Environment.ProcessId)[16], CultureInfo.InvariantCulture));
        await AssertGoneAsync(pid);
    }

    [Fact]
    public async Task Missing_program_behind_nice_is_reported_as_not_found()
    {
        var spec = new ProcessSpec("/nonexistent/restic", ["version"], NoEnvironment) { Priority = new ProcessPriority(5, null, null) };
        var e = await Assert.ThrowsAsync<ProgramNotFoundException>(() => _runner.RunAsync(spec, null, CancellationToken.None));
        Assert.Equal("/nonexistent/restic", e.Program);
        Assert.Equal(3, e.ExitCode);
    }

    [Fact]
    public async Task A_failing_line_callback_does_not_hang_the_child_and_is_rethrown()
    {
        var script = "i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done";
        var run = _runner.RunAsync(new ProcessSpec("sh", ["-c", script], NoEnvironment), (_, line) =>
        {
            if (line == "line5")
                throw new InvalidOperationException("callback broke at " + line);
        }, CancellationToken.None);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("callback broke at line5", e.Message);
    }

    /// <summary>Fields of /proc/&lt;pid&gt;/stat after "(comm)": [0]=state, [1]=ppid, … [16]=nice.</summary>
    private static string[] ProcStat(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>Gone, or a zombie waiting for a reaper that is not us: either way no longer running.</summary>
    private static async Task AssertGoneAsync(int pid)
    {
        for (var i = 0; i < 100; i++)
        {
            if (!File.Exists($"/proc/{pid}/stat") || ProcStat(pid)[0] is "Z" or "X")
                return;
            await Task.Delay(50);
        }
        Assert.Fail($"process {pid} is still running");
    }
}
