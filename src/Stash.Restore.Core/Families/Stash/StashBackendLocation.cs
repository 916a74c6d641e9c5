using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>A Stash <c>Repository</c>'s <c>spec.backend</c> as restic's neutral <see cref="BackendLocation"/>.</summary>
internal static class StashBackendLocation
{
    /// <exception cref="InvalidInputException"><c>spec.backend</c> is missing.</exception>
    public static BackendLocation Of(Repository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var owner = $"Repository {repository.Metadata.Namespace ?? "?"}/{repository.Metadata.Name ?? "?"}";
        var backend = repository.Spec.Backend ?? throw new InvalidInputException($"{owner}: spec.backend is missing");
        return new BackendLocation
        {
            Owner = owner,
            FieldPath = "spec.backend",
            SecretName = backend.StorageSecretName,
            Local = backend.Local is { } local ? new LocalBackend(local.MountPath, local.SubPath) : null,
            S3 = backend.S3 is { } s3 ? new S3Backend(s3.Endpoint, s3.Bucket, s3.Prefix, s3.Region, s3.InsecureTLS == true) : null,
            Gcs = backend.Gcs is { } gcs ? new GcsBackend(gcs.Bucket, gcs.Prefix, gcs.MaxConnections) : null,
            Azure = backend.Azure is { } azure ? new AzureBackend(azure.Container, azure.Prefix, azure.MaxConnections) : null,
            Swift = backend.Swift is { } swift ? new SwiftBackend(swift.Container, swift.Prefix) : null,
            B2 = backend.B2 is { } b2 ? new B2Backend(b2.Bucket, b2.Prefix, b2.MaxConnections) : null,
            Rest = backend.Rest is { } rest ? new RestBackend(rest.Url) : null,
        };
    }
}
