using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Tests.Shared;

/// <summary>The hook contexts the hook tests of both test projects run with (compiled into each).</summary>
internal static class HookContexts
{
    public static HookContext PreContext(string hostname = "host-1") =>
        new(HookStage.PreRestore, "demo", "restore-mysql", hostname, null);

    public static HookContext PostContext(string phase = HostPhase.Failed, string? error = "restic exited 1") =>
        new(HookStage.PostRestore, "demo", "restore-mysql", "host-1",
            new HookOutcome(phase, "2m40.5s", error));
}
