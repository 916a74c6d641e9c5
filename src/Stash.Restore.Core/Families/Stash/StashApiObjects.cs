using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>The Stash objects read through the API (cluster mode); Secrets are masked by the transport as it decodes them.</summary>
internal sealed class StashApiObjects(IKubernetesApi api) : IStashObjectSource
{
    public Task<RestoreSession> GetRestoreSessionAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        api.GetRestoreSessionAsync(@namespace, name, cancellationToken);

    public Task<Repository> GetRepositoryAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        api.GetRepositoryAsync(@namespace, name, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        api.GetSecretDataAsync(@namespace, name, cancellationToken);
}
