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
    /// <summary>Names every metric's labels use; a user label of the same name gives way, as in Stash.</summary>
    public static readonly IReadOnlySet<string> OwnNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "invoker_kind", "invoker_name", "namespace", "driver", "repository", "kind", "group", "name", "hostname",
    };

    /// <summary>
    /// Labels the operator adds with <c>--metrics-labels=k1=v1,k2=v2</c>, written after the executor's own;
    /// see <see cref="ParseUserLabels"/>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> UserLabels { get; init; } = [];

    /// <summary>
    /// <c>key=value</c> entries as Stash reads them (exactly one <c>=</c>); an entry that is not a valid
    /// Prometheus label name, or names one of <see cref="OwnNames"/>, is left out and named in
    /// <paramref name="rejected"/>. A later entry of the same name wins.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseUserLabels(IEnumerable<string> entries, out IReadOnlyList<string> rejected)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var labels = new List<KeyValuePair<string, string>>();
        var refused = new List<string>();
        foreach (var entry in entries)
        {
            var parts = entry.Split('=');
            if (parts.Length != 2 || !IsLabelName(parts[0]) || OwnNames.Contains(parts[0]) || parts[0].StartsWith("__", StringComparison.Ordinal))
            {
                refused.Add(entry);
                continue;
            }
            labels.RemoveAll(l => l.Key == parts[0]);
            labels.Add(new(parts[0], parts[1]));
        }
        rejected = refused;
        return labels;
    }

    // Prometheus: [a-zA-Z_][a-zA-Z0-9_]*
    private static bool IsLabelName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

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
