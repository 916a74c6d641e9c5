using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Which Stash RestoreSession a cluster run restores: <c>--restoresession</c>, or what the
/// operator's <c>--invoker-kind</c>/<c>--invoker-name</c> say; in the namespace of
/// <see cref="SessionNamespace.InCluster"/>; with the target the operator says it is for.
/// </summary>
internal static class StashSessionChoice
{
    /// <exception cref="InvalidInputException">No session is named, the invoker is not a RestoreSession, or no namespace is known.</exception>
    public static SessionSelector Select(RestoreOptions options, IReadOnlyDictionary<string, string> environment, string? credentialsNamespace)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = options.RestoreSession;
        if (name is null && options.InvokerName is { } invoker)
        {
            var kind = options.InvokerKind ?? RestoreSession.KindName;
            if (kind != RestoreSession.KindName)
                throw new InvalidInputException($"--invoker-kind {kind} is not supported; this executor restores a {RestoreSession.KindName}");
            name = invoker;
        }
        if (string.IsNullOrWhiteSpace(name))
            throw new InvalidInputException("name the RestoreSession: --restoresession NAME (cluster) or --restoresession-file FILE (offline)");
        var ns = SessionNamespace.InCluster(options, environment, credentialsNamespace, name);
        return new SessionSelector(ns, name, options.TargetKind, options.TargetName, options.TargetNamespace);
    }
}
