namespace Stash.Restore.Core.Input;

/// <summary>
/// The namespace a RestoreSession is looked for in, the same for both API families:
/// <c>--namespace</c>, else the pod's own (<c>POD_NAMESPACE</c>), else — in a cluster — the one
/// the credentials name (the service account's, the kubeconfig context's), offline <c>default</c>.
/// </summary>
internal static class SessionNamespace
{
    /// <summary>The default namespace of objects read from files (<c>--objects</c>).</summary>
    public static string Offline(RestoreOptions options, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        return options.Namespace ?? environment.GetValueOrDefault("POD_NAMESPACE") ?? "default";
    }

    /// <summary>The namespace of RestoreSession <paramref name="sessionName"/> in a cluster.</summary>
    /// <param name="credentialsNamespace">The namespace the cluster credentials name, if any.</param>
    /// <exception cref="InvalidInputException">No source names a namespace.</exception>
    public static string InCluster(RestoreOptions options, IReadOnlyDictionary<string, string> environment, string? credentialsNamespace, string sessionName)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var ns = options.Namespace ?? environment.GetValueOrDefault("POD_NAMESPACE") ?? credentialsNamespace;
        return string.IsNullOrWhiteSpace(ns)
            ? throw new InvalidInputException($"no namespace for RestoreSession {sessionName}: pass --namespace (POD_NAMESPACE is unset and the credentials name none)")
            : ns;
    }
}
