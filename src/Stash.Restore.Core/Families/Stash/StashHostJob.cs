using Stash.Restore.Core.Engine;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// A Stash host's restore as the engine's job: the rule's restic request, restic's options from the
/// command line and the session (nice/ionice, caching), the hooks and their template data, and the
/// deadline from <c>spec.timeOut</c> and <c>status.sessionDeadline</c>.
/// </summary>
internal static class StashHostJob
{
    /// <summary>Where a Stash RestoreSession sets the restore container's memory limit (named when restic is OOM-killed).</summary>
    public const string MemoryLimitSetting = "spec.runtimeSettings.container.resources.limits.memory of the RestoreSession";

    /// <summary>The engine's job for <paramref name="unit"/>: restic request and options, hooks, deadline.</summary>
    public static UnitRestoreJob For(StashInputs inputs, RestoreUnit unit, ResolvedRule rule, RestoreSettings settings, TimeProvider clock)
    {
        var session = inputs.Session;
        // target.args reach restic as Stash's executor passes them, after the include/exclude patterns.
        var request = StashRestoreRequest.For(rule, inputs.Repository, inputs.RepositorySecret) with { ExtraArguments = session.Spec.Target?.Args ?? [] };
        var options = settings.ResticOptions(SessionPriority(session), sessionAllowsCache: session.Spec.TempDir?.DisableCaching != true)
            with { Mirror = MirrorMode.IsRequested(session.Metadata.Annotations), MemoryLimitSetting = MemoryLimitSetting };
        var hooks = new UnitHooks(session.Spec.Hooks?.PreRestore, session.Spec.Hooks?.PostRestore, HookContextFor(session, unit.Name));
        var deadline = UnitDeadline.Earliest(session.Spec.TimeOut, session.Status?.SessionDeadline, clock);
        return new UnitRestoreJob(unit, request, options, $"by {rule.Name} from source host \"{rule.SourceHost}\"", hooks, deadline, StashHostRestore.Reasons);
    }

    /// <summary>What the hook templates read for this session and host.</summary>
    public static HookContext HookContextFor(RestoreSession session, string host)
    {
        var target = session.Spec.Target?.Ref;
        // .Target's namespace defaults to the session's, as Stash fills it.
        return new HookContext(HookStage.PreRestore, session.Metadata.Namespace ?? "", session.Metadata.Name ?? "", host, null)
        {
            Target = new HookTarget(target?.Kind ?? "", target?.Name ?? "", target?.Namespace ?? session.Metadata.Namespace ?? "", target?.ApiVersion ?? ""),
        };
    }

    private static ProcessPriority? SessionPriority(RestoreSession session)
    {
        var container = session.Spec.RuntimeSettings?.Container;
        return container?.Nice is null && container?.Ionice is null
            ? null
            : new ProcessPriority(container.Nice?.Adjustment, container.Ionice?.Class, container.Ionice?.ClassData);
    }
}
