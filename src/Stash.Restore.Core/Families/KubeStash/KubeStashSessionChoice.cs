using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// Which KubeStash RestoreSession a cluster run looks for: the one <c>--restoresession</c> names
/// (KubeStash's restore Function passes it; the invoker flags are Stash's), in the namespace of
/// <see cref="SessionNamespace.InCluster"/>.
/// </summary>
/// <param name="Namespace">The session's namespace.</param>
/// <param name="Name">The session's name, trimmed.</param>
internal sealed record KubeStashSessionChoice(string Namespace, string Name)
{
    /// <summary>The session to look for, or null when <c>--restoresession</c> is not given (not a KubeStash cluster run).</summary>
    /// <exception cref="InvalidInputException">A name is given but no namespace is known.</exception>
    public static KubeStashSessionChoice? Select(RestoreOptions options, IReadOnlyDictionary<string, string> environment, string? credentialsNamespace)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RestoreSession))
            return null;
        var ns = SessionNamespace.InCluster(options, environment, credentialsNamespace, options.RestoreSession);
        return new KubeStashSessionChoice(ns, options.RestoreSession.Trim());
    }
}
