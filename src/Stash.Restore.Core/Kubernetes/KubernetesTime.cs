using System.Globalization;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>Times as the API server writes them.</summary>
internal static class KubernetesTime
{
    /// <summary>metav1.Time: RFC 3339 in UTC with second precision.</summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
