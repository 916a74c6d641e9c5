using Stash.Restore.Core.Metrics;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>The labels of a Stash run's metrics, as Stash's own executor labels them (SPEC §10).</summary>
internal static class StashMetricsLabels
{
    /// <param name="inputs">The loaded session and Repository.</param>
    /// <param name="invokerKind"><c>--invoker-kind</c>; the invoker is a RestoreSession when the operator does not say.</param>
    public static RestoreMetricsLabels From(StashInputs inputs, string? invokerKind)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return From(inputs.Session, inputs.Repository.Metadata.Name, invokerKind);
    }

    /// <param name="repositoryName">The Repository's name (<c>spec.repository.name</c> when it was not read).</param>
    public static RestoreMetricsLabels From(RestoreSession session, string? repositoryName, string? invokerKind)
    {
        ArgumentNullException.ThrowIfNull(session);
        var target = session.Spec.Target?.Ref;
        return new RestoreMetricsLabels(
            string.IsNullOrEmpty(invokerKind) ? RestoreSession.KindName : invokerKind,
            session.Metadata.Name ?? "",
            session.Metadata.Namespace ?? "",
            session.Spec.Driver ?? "Restic",
            repositoryName ?? "",
            target?.Kind ?? "",
            RestoreMetricsLabels.GroupOf(target?.ApiVersion),
            target?.Name ?? "");
    }
}
