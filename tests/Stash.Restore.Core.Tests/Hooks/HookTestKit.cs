using Serilog;
using Serilog.Core;
using Serilog.Events;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Hooks;

/// <summary>
/// Records every log event as "Level: message", so tests can assert what an operator would read.
/// The hook and restic runner tests share it.
/// </summary>
internal sealed class CollectingSink : ILogEventSink
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
                return _lines.ToArray();
        }
    }

    public string Text => string.Join('\n', Lines);

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
            _lines.Add($"{logEvent.Level}: {logEvent.RenderMessage()}");
    }

    public ILogger Logger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
}

/// <summary>Records the specs it is asked to run; the callback plays the child process.</summary>
internal sealed class FakeProcessRunner(Func<ProcessSpec, Action<OutputStream, string>, CancellationToken, Task<ProcessResult>> behaviour) : IProcessRunner
{
    public List<ProcessSpec> Started { get; } = [];

    public static FakeProcessRunner Exits(int exitCode, params string[] stdout) =>
        new((_, onLine, _) =>
        {
            foreach (var line in stdout)
                onLine(OutputStream.StandardOutput, line);
            return Task.FromResult(new ProcessResult(exitCode, null, TimeSpan.FromMilliseconds(5), false));
        });

    /// <summary>A child that runs until cancelled, then reports it was stopped (as the real runner does).</summary>
    public static FakeProcessRunner Hangs() =>
        new(async (_, _, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
            return new ProcessResult(-1, 15, TimeSpan.FromMilliseconds(5), true);
        });

    public Task<ProcessResult> RunAsync(ProcessSpec spec, Action<OutputStream, string>? onLine, CancellationToken cancellationToken)
    {
        Started.Add(spec);
        return behaviour(spec, onLine ?? ((_, _) => { }), cancellationToken);
    }
}

internal sealed class FakePodExec(Func<string, IReadOnlyList<string>, Action<OutputStream, string>, CancellationToken, Task<int>> behaviour) : IPodExec
{
    public List<(string Container, IReadOnlyList<string> Command)> Calls { get; } = [];

    public Task<int> ExecAsync(string container, IReadOnlyList<string> command, Action<OutputStream, string> onLine, CancellationToken cancellationToken)
    {
        Calls.Add((container, command));
        return behaviour(container, command, onLine, cancellationToken);
    }
}

internal static class HookTestKit
{
    public static HookContext PreContext(string hostname = "host-1") =>
        new(HookStage.PreRestore, "demo", "restore-mysql", hostname, null);

    public static HookContext PostContext(string phase = HostPhase.Failed, string? error = "restic exited 1") =>
        new(HookStage.PostRestore, "demo", "restore-mysql", "host-1",
            new HookOutcome(phase, "2m40.5s", error));

    public static HookSpec Exec(params string[] command) => new() { Exec = new ExecAction { Command = [.. command] } };

    public static HookExecutor Executor(
        IProcessRunner runner,
        CollectingSink sink,
        SecretMasker? masker = null,
        IPodExec? podExec = null,
        HookExecutorOptions? options = null) =>
        new(runner, podExec, masker ?? new SecretMasker(), sink.Logger(), TimeProvider.System, options ?? new HookExecutorOptions());
}
