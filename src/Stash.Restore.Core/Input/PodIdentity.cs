namespace Stash.Restore.Core.Input;

/// <summary>What the pod knows about itself (downward API environment and the OS host name).</summary>
internal sealed record PodIdentity(string? PodName, string? PodNamespace, string? NodeName, string? PodOrdinal, string? OsHostName)
{
    public static PodIdentity FromEnvironment(IReadOnlyDictionary<string, string> environment, string? osHostName) =>
        new(
            environment.GetValueOrDefault("POD_NAME"),
            environment.GetValueOrDefault("POD_NAMESPACE"),
            environment.GetValueOrDefault("NODE_NAME"),
            environment.GetValueOrDefault("POD_ORDINAL"),
            osHostName);
}
