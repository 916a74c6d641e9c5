using Stash.Restore.Core.Metrics;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>The labels of a Stash run's metrics, as Stash's own executor labels them (SPEC §10).</summary>
internal static class StashMetricsLabels
{
    /// <param name="inputs">The loaded session and Repository.</param>
    /// <param name="invokerKind"><c>--invoker-kind</c>; the invoker is a RestoreSession when the operator does not say.</param>
    public static RestoreMetricsLabels From(RestoreInputs inputs, string? invokerKind)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var session = inputs.Session;
        var target = session.Spec.Target?.Ref;
        return new RestoreMetricsLabels(
            invokerKind ?? RestoreSession.KindName,
            session.Metadata.Name ?? "",
            session.Metadata.Namespace ?? "",
            session.Spec.Driver ?? "Restic",
            inputs.Repository.Metadata.Name ?? "",
            target?.Kind ?? "",
            RestoreMetricsLabels.GroupOf(target?.ApiVersion),
            target?.Name ?? "");
    }
}
