using Serilog;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Tests.Shared;

/// <summary>The hook executor as the hook tests of both test projects build it (compiled into each).</summary>
internal static class HookTestKit
{
    public static HookSpec Exec(params string[] command) => new() { Exec = new ExecAction { Command = [.. command] } };

    /// <param name="runner">The local processes; by default none may start (network and pod-exec hooks).</param>
    public static HookExecutor Executor(
        ILogger log,
        IProcessRunner? runner = null,
        SecretMasker? masker = null,
        HookExecutorOptions? options = null,
        IPodExec? podExec = null) =>
        new(runner ?? new NoProcesses(), podExec, masker ?? new SecretMasker(), log, TimeProvider.System, options ?? new HookExecutorOptions());
}

/// <summary>For network hooks: starting a process would be a bug.</summary>
internal sealed class NoProcesses : IProcessRunner
{
    public Task<ProcessResult> RunAsync(ProcessSpec spec, Action<OutputStream, string>? onLine, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"a network hook started {spec.FileName}");
}
