using Stash.Restore.Core.Engine;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// A KubeStash component's restore as the engine's job: the component's restic repository and one
/// selection per resticStats entry, include/exclude, nice/ionice from
/// <c>addon.containerRuntimeSettings</c>, no hooks (KubeStash's operator runs HookTemplates), and the
/// deadline from <c>spec.restoreTimeout</c> and <c>status.restoreDeadline</c>.
/// </summary>
internal static class KubeStashComponentJob
{
    public const string UnitKind = "component";
    public static readonly UnitEventReasons Reasons = new("ComponentRestoreSucceeded", "ComponentRestoreFailed");

    /// <summary>Where a KubeStash RestoreSession sets the restore container's memory limit (named when restic is OOM-killed).</summary>
    public const string MemoryLimitSetting = "spec.addon.containerRuntimeSettings.resources.limits.memory of the RestoreSession";

    /// <summary>The restic request for <paramref name="component"/> (also what <c>--dry-run</c> shows).</summary>
    /// <exception cref="InvalidInputException">The component cannot be restored (not Succeeded, no ids, no password…).</exception>
    public static ResticRestoreRequest Request(KubeStashInputs inputs, string component, RestoreFilters filters)
    {
        var snapshots = ComponentSnapshots.From(inputs.Snapshot, component);
        var location = DataSourceLocation.ForComponent(inputs.Storage, inputs.Repository, snapshots.Path);
        return KubeStashResticRequest.Build(location, inputs.Credentials, inputs.EncryptionSecret, inputs.EncryptionData, snapshots, filters);
    }

    public static UnitRestoreJob For(KubeStashInputs inputs, RestoreUnit unit, RestoreFilters filters, RestoreSettings settings, TimeProvider clock)
    {
        var request = Request(inputs, unit.Name, filters);
        var options = settings.ResticOptions(SessionPriority(inputs.Session), sessionAllowsCache: true)
            with { Mirror = MirrorMode.IsRequested(inputs.Session.Metadata.Annotations), MemoryLimitSetting = MemoryLimitSetting };
        var deadline = UnitDeadline.Earliest(inputs.Session.Spec.RestoreTimeout, inputs.Session.Status?.RestoreDeadline, clock);
        return new UnitRestoreJob(unit, request, options, $"from {inputs.Snapshot.Describe()}", UnitHooks.None(unit), deadline, Reasons);
    }

    private static ProcessPriority? SessionPriority(RestoreSession session)
    {
        var settings = session.Spec.Addon?.ContainerRuntimeSettings;
        return settings?.Nice is null && settings?.Ionice is null
            ? null
            : new ProcessPriority(settings.Nice?.Adjustment, settings.Ionice?.Class, settings.Ionice?.ClassData);
    }
}
