using Serilog.Core;
using Serilog.Events;
using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Hooks;

internal static class HookTestKit
{
    public static HookSpec Exec(params string[] command) => new() { Exec = new ExecAction { Command = [.. command] } };

    public static HookExecutor Executor(
        IProcessRunner runner,
        CollectingSink sink,
        SecretMasker? masker = null,
        IPodExec? podExec = null,
        HookExecutorOptions? options = null) =>
        new(runner, podExec, masker ?? new SecretMasker(), sink.Logger(), TimeProvider.System, options ?? new HookExecutorOptions());
}
