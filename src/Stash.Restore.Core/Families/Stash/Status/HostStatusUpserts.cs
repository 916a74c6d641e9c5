using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// The two changes a host makes to <c>RestoreSession.status</c>: its own stats entry, and a
/// hook condition. Pure, so every store (API or file) applies them the same way.
/// </summary>
internal static class HostStatusUpserts
{
    /// <summary>Replaces the entry with the same hostname (or appends it); other hosts' entries are kept as they are.</summary>
    public static RestoreSessionStatus UpsertHost(RestoreSessionStatus? status, HostRestoreStats entry)
    {
        var stats = (status?.Stats ?? []).Where(s => s.Hostname != entry.Hostname).ToList();
        var at = (status?.Stats ?? []).FindIndex(s => s.Hostname == entry.Hostname);
        stats.Insert(at < 0 ? stats.Count : at, entry);
        return (status ?? new RestoreSessionStatus()) with { Stats = stats };
    }

    /// <summary>
    /// Upserts a condition by type. A False already written (by any host) stays: another host's
    /// True must not hide a failure.
    /// </summary>
    public static RestoreSessionStatus UpsertCondition(RestoreSessionStatus? status, Condition condition)
    {
        var conditions = status?.Conditions ?? [];
        var existing = conditions.Find(c => c.Type == condition.Type);
        if (existing is { Status: "False" } && condition.Status == "True")
            return status ?? new RestoreSessionStatus();
        var updated = conditions.Where(c => c.Type != condition.Type).Append(condition).ToList();
        return (status ?? new RestoreSessionStatus()) with { Conditions = updated };
    }

    public static HostRestoreStats? FindHost(RestoreSessionStatus? status, string hostname) =>
        status?.Stats?.Find(s => s.Hostname == hostname);
}
