using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>Plays canned restic runs: each call gets the next script's lines and exit code.</summary>
internal sealed class FakeProcessRunner : IProcessRunner
{
    private readonly Queue<Func<ProcessSpec, FakeRun>> _scripts = new();

    public List<ProcessSpec> Calls { get; } = [];

    public FakeProcessRunner Then(FakeRun run) => Then(_ => run);

    public FakeProcessRunner Then(Func<ProcessSpec, FakeRun> script)
    {
        _scripts.Enqueue(script);
        return this;
    }

    public Task<ProcessResult> RunAsync(ProcessSpec spec, Action<OutputStream, string>? onLine, CancellationToken cancellationToken)
    {
        Calls.Add(spec);
        if (_scripts.Count == 0)
            throw new InvalidOperationException($"unexpected call: {spec.FileName} {string.Join(' ', spec.Arguments)}");
        var run = _scripts.Dequeue()(spec);
        foreach (var (stream, line) in run.Lines)
            onLine?.Invoke(stream, line);
        return Task.FromResult(new ProcessResult(run.ExitCode, ProcessRunner.SignalOf(run.ExitCode), TimeSpan.FromSeconds(1), false));
    }
}

internal sealed record FakeRun(int ExitCode, params (OutputStream Stream, string Line)[] Lines)
{
    public static (OutputStream, string) Out(string line) => (OutputStream.StandardOutput, line);

    public static (OutputStream, string) Err(string line) => (OutputStream.StandardError, line);
}

/// <summary>A clock that moves only when told to.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
