namespace Stash.Restore.Core.Kubernetes;

/// <summary>The flags and environment that decide how to reach the cluster.</summary>
/// <param name="Environment">The executor's environment (never read from the process directly).</param>
/// <param name="KubeconfigPath">--kubeconfig, or null.</param>
/// <param name="Master">--master: overrides the server of whatever configuration is used.</param>
/// <param name="Context">A kubeconfig context to use instead of current-context.</param>
/// <param name="ServiceAccountDirectory">Where the service account is mounted (tests point elsewhere).</param>
internal sealed record KubernetesConfigRequest(
    IReadOnlyDictionary<string, string> Environment,
    string? KubeconfigPath = null,
    string? Master = null,
    string? Context = null,
    string ServiceAccountDirectory = KubernetesConfigLoader.DefaultServiceAccountDirectory);
