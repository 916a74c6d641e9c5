namespace Stash.Restore.Core.Metrics;

/// <summary>
/// The labels every restore metric of this run carries, except <c>hostname</c> (which comes
/// from each <see cref="Execution.UnitRestoreReport"/>).
/// </summary>
/// <param name="InvokerKind">The invoker's kind as written in the object, e.g. <c>RestoreSession</c>.</param>
/// <param name="InvokerName">The invoker's name, e.g. <c>sts-restore</c>.</param>
/// <param name="Namespace">The invoker's namespace.</param>
/// <param name="Driver">The session's driver (<c>Restic</c>, <c>VolumeSnapshotter</c>).</param>
/// <param name="Repository">The Repository's name.</param>
/// <param name="TargetKind">The target's kind (<c>StatefulSet</c>, <c>PersistentVolumeClaim</c>, …); empty when there is none.</param>
/// <param name="TargetGroup">The target's API group (<c>apps</c>; empty for the core group); see <see cref="GroupOf"/>.</param>
/// <param name="TargetName">The target's name; empty when there is none.</param>
internal sealed record RestoreMetricsLabels(
    string InvokerKind,
    string InvokerName,
    string Namespace,
    string Driver,
    string Repository,
    string TargetKind,
    string TargetGroup,
    string TargetName)
{
    /// <summary>
    /// The Pushgateway job: <c>&lt;invoker kind lowercased&gt;-&lt;namespace&gt;-&lt;invoker name&gt;</c>,
    /// e.g. <c>restoresession-demo-sts-restore</c>.
    /// </summary>
    public string JobName => $"{InvokerKind.ToLowerInvariant()}-{Namespace}-{InvokerName}";

    /// <summary>The group part of an apiVersion: <c>apps/v1</c> → <c>apps</c>, <c>v1</c> → empty.</summary>
    public static string GroupOf(string? apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion))
            return "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : apiVersion[..slash];
    }
}
