using Serilog;
using Serilog.Core;
using Serilog.Events;
using Stash.Restore.Core.Execution;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Model;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.IntegrationTests.Hooks;

/// <summary>Records every log event, rendered, so tests can assert what an operator would read.</summary>
internal sealed class CollectingSink : ILogEventSink
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public string Text
    {
        get
        {
            lock (_gate)
                return string.Join('\n', _lines);
        }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
            _lines.Add($"{logEvent.Level}: {logEvent.RenderMessage()}");
    }

    public ILogger Logger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
}

/// <summary>For network hooks: starting a process would be a bug.</summary>
internal sealed class NoProcesses : IProcessRunner
{
    public Task<ProcessResult> RunAsync(ProcessSpec spec, Action<OutputStream, string>? onLine, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"a network hook started {spec.FileName}");
}

internal static class HookTestKit
{
    public static HookContext PreContext(string hostname = "host-1") =>
        new(HookStage.PreRestore, "demo", "restore-mysql", hostname, null);

    public static HookContext PostContext(string phase = HostPhase.Failed, string? error = "restic exited 1") =>
        new(HookStage.PostRestore, "demo", "restore-mysql", "host-1",
            new HostRestoreStats { Hostname = "host-1", Phase = phase, Duration = "2m40.5s", Error = error });

    public static HookExecutor Executor(
        CollectingSink sink,
        IProcessRunner? runner = null,
        SecretMasker? masker = null,
        HookExecutorOptions? options = null) =>
        new(runner ?? new NoProcesses(), null, masker ?? new SecretMasker(), sink.Logger(), TimeProvider.System, options ?? new HookExecutorOptions());
}
