using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// The host a pod of Stash's restore Job restores (<c>restore-pvc</c>, <c>run-hook</c>), worked out
/// as Stash's own executor works it out: the target's alias, else <c>host-0</c>; with
/// <c>volumeClaimTemplates</c> and <c>replicas</c>, <c>&lt;alias&gt;-$POD_ORDINAL</c> or
/// <c>host-$POD_ORDINAL</c> (<see cref="HostIdentity"/>).
/// </summary>
internal static class JobHost
{
    /// <param name="hostname">
    /// <c>--hostname</c>: stands in for the alias. Stash's resolver passes the alias there (empty when
    /// there is none), so with <c>volumeClaimTemplates</c> and <c>replicas</c> the pod's ordinal is still
    /// added, as Stash's executor adds it.
    /// </param>
    public static string Resolve(RestoreTarget? target, PodIdentity pod, string? hostname) =>
        HostIdentity.Resolve(
            string.IsNullOrWhiteSpace(hostname) ? target : (target ?? new RestoreTarget()) with { Alias = hostname.Trim() },
            pod,
            hostOverride: null);
}
