using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Hooks;

/// <summary>For network hooks: starting a process would be a bug.</summary>
internal sealed class NoProcesses : IProcessRunner
{
    public Task<ProcessResult> RunAsync(ProcessSpec spec, Action<OutputStream, string>? onLine, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"a network hook started {spec.FileName}");
}

internal static class HookTestKit
{
    public static HookExecutor Executor(
        LogCapture sink,
        IProcessRunner? runner = null,
        SecretMasker? masker = null,
        HookExecutorOptions? options = null,
        IPodExec? podExec = null) =>
        new(runner ?? new NoProcesses(), podExec, masker ?? new SecretMasker(), sink.Logger, TimeProvider.System, options ?? new HookExecutorOptions());
}
