using System.Globalization;
using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Engine;

/// <summary>When a unit's restore must stop: the earlier of the session's timeout from now and the deadline its operator set.</summary>
internal static class UnitDeadline
{
    /// <param name="timeout">A Go duration (Stash <c>spec.timeOut</c>, KubeStash <c>spec.restoreTimeout</c>); absent, unreadable or not positive: no limit.</param>
    /// <param name="deadline">A time (Stash <c>status.sessionDeadline</c>, KubeStash <c>status.restoreDeadline</c>), UTC unless it says otherwise; absent or unreadable: no limit.</param>
    /// <returns>Null when neither sets a limit.</returns>
    public static DateTimeOffset? Earliest(string? timeout, string? deadline, TimeProvider clock)
    {
        DateTimeOffset? until = null;
        if (GoDuration.TryParse(timeout, out var duration) && duration > TimeSpan.Zero)
            until = clock.GetUtcNow() + duration;
        if (DateTimeOffset.TryParse(deadline, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && (until is null || at < until))
            until = at;
        return until;
    }
}
