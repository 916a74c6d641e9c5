using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mono.Unix.Native;

namespace Stash.Restore.Core.Processes;

/// <summary>
/// Starts real child processes (the designated seam implementation: the only place in Core
/// that calls <see cref="Process.Start()"/>). Modelled on actions/runner's ProcessInvoker:
/// argv list, no shell, stdin closed, stdout and stderr read concurrently line by line,
/// cancellation escalated SIGINT → SIGTERM → SIGKILL of the whole tree.
/// </summary>
internal sealed class ProcessRunner : IProcessRunner
{
    /// <summary>Defaults keep the whole escalation well inside Kubernetes' 30 s grace period.</summary>
    public static readonly TimeSpan DefaultInterruptGrace = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultTerminateGrace = TimeSpan.FromSeconds(5);

    // Readers may outlive the child when a grandchild keeps the pipe open; do not wait forever.
    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _interruptGrace;
    private readonly TimeSpan _terminateGrace;

    public ProcessRunner(TimeSpan? interruptGrace = null, TimeSpan? terminateGrace = null)
    {
        _interruptGrace = interruptGrace ?? DefaultInterruptGrace;
        _terminateGrace = terminateGrace ?? DefaultTerminateGrace;
    }

    /// <summary>
    /// Runs the program to completion. <paramref name="onLine"/> is never called concurrently
    /// (stdout and stderr lines are serialised), so callers need no locking.
    /// </summary>
    /// <exception cref="ProgramNotFoundException">The program, nice or ionice is not installed.</exception>
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, Action<OutputStream, string>? onLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var startInfo = BuildStartInfo(spec);
        using var process = new Process { StartInfo = startInfo };
        var stopwatch = Stopwatch.StartNew();
        try
        {
#pragma warning disable RS0030 // The one place Core starts a process: everything else goes through IProcessRunner.
            if (!process.Start())
#pragma warning restore RS0030
                throw new ProgramNotFoundException(spec.FileName, $"could not start '{spec.FileName}'");
        }
        catch (Win32Exception e)
        {
            throw new ProgramNotFoundException(spec.FileName, $"could not start '{spec.FileName}': {e.Message}", e);
        }

        if (spec.OomScoreRaise is { } raise)
            RaiseOomScore(process.Id, raise);

        // Nothing is ever written to a child: close stdin so one that reads it sees EOF, not a hang.
        process.StandardInput.Close();

        var gate = new Lock();
        Exception? callbackFailure = null;
        void Deliver(OutputStream stream, string line)
        {
            if (onLine is null)
                return;
            lock (gate)
            {
                if (callbackFailure is not null)
                    return;
                try
                {
                    onLine(stream, line);
                }
                catch (Exception e)
                {
                    // Keep draining: a child blocked on a full pipe would never exit. Rethrown below.
                    callbackFailure = e;
                }
            }
        }

        var stdout = PumpAsync(process.StandardOutput, OutputStream.StandardOutput, Deliver);
        var stderr = PumpAsync(process.StandardError, OutputStream.StandardError, Deliver);

        var cancelled = false;
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
            await StopAsync(process, spec.StopWithin).ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(OutputDrainLimit, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A grandchild still holds the pipes; what it has not written yet is lost.
        }

        stopwatch.Stop();
        if (callbackFailure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(callbackFailure).Throw();
        var exitCode = process.ExitCode;
        return new ProcessResult(exitCode, SignalOf(exitCode), stopwatch.Elapsed, cancelled);
    }

    /// <summary>
    /// .NET reports a child killed by signal n as exit code 128+n, exactly as a shell does; a
    /// child that exits with such a code on its own (restic exits 130 after SIGINT) looks
    /// the same, so the signal is a best reading, not proof.
    /// </summary>
    internal static int? SignalOf(int exitCode) => exitCode is > 128 and <= 128 + 64 ? exitCode - 128 : null;

    /// <summary>argv as it will be executed, with nice/ionice in front when a priority is set.</summary>
    internal static IReadOnlyList<string> CommandLine(ProcessSpec spec, Func<string, string> resolve)
    {
        var argv = new List<string>();
        var priority = spec.Priority;
        if (priority?.NiceAdjustment is { } adjustment)
            argv.AddRange([resolve("nice"), "-n", adjustment.ToString(CultureInfo.InvariantCulture)]);
        if (priority is { IoClass: not null } or { IoClassData: not null })
        {
            // -t: a class the container may not use (realtime without CAP_SYS_ADMIN) must not fail the restore.
            argv.AddRange([resolve("ionice"), "-t"]);
            if (priority.IoClass is { } ioClass)
                argv.AddRange(["-c", ioClass.ToString(CultureInfo.InvariantCulture)]);
            if (priority.IoClassData is { } data)
                argv.AddRange(["-n", data.ToString(CultureInfo.InvariantCulture)]);
        }
        argv.Add(resolve(spec.FileName));
        argv.AddRange(spec.Arguments);
        return argv;
    }

    private static ProcessStartInfo BuildStartInfo(ProcessSpec spec)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        if (spec.WorkingDirectory is not null)
            startInfo.WorkingDirectory = spec.WorkingDirectory;
        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
                startInfo.Environment.Remove(name);
            else
                startInfo.Environment[name] = value;
        }

        // Resolve on the child's PATH ourselves: behind nice/ionice a missing program would
        // otherwise show up as exit 127 instead of a clear "not found".
        startInfo.Environment.TryGetValue("PATH", out var searchPath);
        string Resolve(string program) =>
            ProgramLocator.Find(program, searchPath)
            ?? throw new ProgramNotFoundException(program, program.Contains('/', StringComparison.Ordinal)
                ? $"'{program}' does not exist or is not executable"
                : $"'{program}' not found on PATH ({searchPath})");

        var argv = CommandLine(spec, Resolve);
        startInfo.FileName = argv[0];
        foreach (var argument in argv.Skip(1))
            startInfo.ArgumentList.Add(argument);
        return startInfo;
    }

    /// <summary>
    /// Raises the child's <c>oom_score_adj</c> (any process may raise its own children's; lowering needs
    /// CAP_SYS_RESOURCE). It survives the exec of nice → ionice → the program. Best effort: a child that
    /// already ended or a read-only /proc leaves it as inherited.
    /// </summary>
    internal static void RaiseOomScore(int pid, int raise)
    {
        var file = $"/proc/{pid}/oom_score_adj";
        try
        {
            var current = int.Parse(File.ReadAllText(file).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var raised = Math.Min(1000, current + raise);
            if (raised <= current)
                return;
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
            stream.Write(Encoding.ASCII.GetBytes(raised.ToString(CultureInfo.InvariantCulture)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // The child ended, or /proc is not ours to write: it keeps the executor's score.
        }
    }

    private static async Task PumpAsync(StreamReader reader, OutputStream stream, Action<OutputStream, string> deliver)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            deliver(stream, line);
    }

    private async Task StopAsync(Process process, TimeSpan? stopWithin)
    {
        // Collected first: once the child is gone its children are reparented and cannot be found.
        var descendants = Descendants(process.Id);
        var (interruptGrace, terminateGrace) = stopWithin is { } budget ? (budget * 0.75, budget * 0.25) : (_interruptGrace, _terminateGrace);
        if (!await SignalAndWaitAsync(process, Signum.SIGINT, interruptGrace).ConfigureAwait(false)
            && !await SignalAndWaitAsync(process, Signum.SIGTERM, terminateGrace).ConfigureAwait(false))
        {
            KillTree(process.Id);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        // A child that obeyed the signal may have left its own children running (a shell's
        // pipeline): a stopped run leaves nothing behind.
        foreach (var pid in descendants)
            _ = Syscall.kill(pid, Signum.SIGKILL);
    }

    private static async Task<bool> SignalAndWaitAsync(Process process, Signum signal, TimeSpan grace)
    {
        if (process.HasExited)
            return true;
        _ = Syscall.kill(process.Id, signal);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL the child and every descendant (collected first: once the child dies they are reparented).</summary>
    private static void KillTree(int rootPid)
    {
        var victims = Descendants(rootPid);
        _ = Syscall.kill(rootPid, Signum.SIGKILL);
        foreach (var pid in victims)
            _ = Syscall.kill(pid, Signum.SIGKILL);
    }

    internal static List<int> Descendants(int rootPid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // "pid (comm) state ppid …": comm may contain spaces and parentheses.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // The process ended while we looked.
            }
        }
        var result = new List<int>();
        var queue = new Queue<int>([rootPid]);
        while (queue.Count > 0)
        {
            var parent = queue.Dequeue();
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent && !result.Contains(pid))
                {
                    result.Add(pid);
                    queue.Enqueue(pid);
                }
            }
        }
        return result;
    }
}
