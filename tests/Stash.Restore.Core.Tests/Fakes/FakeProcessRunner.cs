using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Fakes;

/// <summary>
/// Records the processes it is asked to run and plays them: either a callback plays every child
/// (<see cref="Exits"/>, <see cref="Hangs"/>), or each call gets the next canned run queued with
/// <see cref="Then(FakeRun)"/> (its lines and exit code, as restic would print them).
/// </summary>
internal sealed class FakeProcessRunner : IProcessRunner
{
    private readonly Func<ProcessSpec, Action<OutputStream, string>, CancellationToken, Task<ProcessResult>>? _behaviour;
    private readonly Queue<Func<ProcessSpec, FakeRun>> _scripts = new();

    /// <summary>Each call plays the next run queued with <see cref="Then(FakeRun)"/>; a call with none left is a test failure.</summary>
    public FakeProcessRunner()
    {
    }

    /// <summary>Every call is played by <paramref name="behaviour"/>.</summary>
    public FakeProcessRunner(Func<ProcessSpec, Action<OutputStream, string>, CancellationToken, Task<ProcessResult>> behaviour) => _behaviour = behaviour;

    /// <summary>The processes started, in order.</summary>
    public List<ProcessSpec> Calls { get; } = [];

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

    public FakeProcessRunner Then(FakeRun run) => Then(_ => run);

    public FakeProcessRunner Then(Func<ProcessSpec, FakeRun> script)
    {
        _scripts.Enqueue(script);
        return this;
    }

    public Task<ProcessResult> RunAsync(ProcessSpec spec, Action<OutputStream, string>? onLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Calls.Add(spec);
        if (_behaviour is not null)
            return _behaviour(spec, onLine ?? ((_, _) => { }), cancellationToken);
        if (_scripts.Count == 0)
            throw new InvalidOperationException($"unexpected call: {spec.FileName} {string.Join(' ', spec.Arguments)}");
        var run = _scripts.Dequeue()(spec);
        foreach (var (stream, line) in run.Lines)
            onLine?.Invoke(stream, line);
        return Task.FromResult(new ProcessResult(run.ExitCode, ProcessRunner.SignalOf(run.ExitCode), TimeSpan.FromSeconds(1), false));
    }
}

/// <summary>One canned child process: its output lines and exit code.</summary>
internal sealed record FakeRun(int ExitCode, params (OutputStream Stream, string Line)[] Lines)
{
    public static (OutputStream, string) Out(string line) => (OutputStream.StandardOutput, line);

    public static (OutputStream, string) Err(string line) => (OutputStream.StandardError, line);
}
