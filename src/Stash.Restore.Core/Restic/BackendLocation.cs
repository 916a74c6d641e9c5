namespace Stash.Restore.Core.Restic;

/// <summary>
/// Where one restic repository lives, in restic's terms and no API family's: a Stash
/// <c>Repository</c> and a KubeStash <c>BackupStorage</c> (plus repository and component paths)
/// both map to it. Exactly one backend is set.
/// </summary>
internal sealed record BackendLocation
{
    /// <summary>The object that names the location, for messages: <c>Repository demo/minio-repo</c>.</summary>
    public required string Owner { get; init; }

    /// <summary>Where the backend sits in <see cref="Owner"/>, for messages: <c>spec.backend</c> (Stash), <c>spec.storage</c> (KubeStash).</summary>
    public string FieldPath { get; init; } = "spec.backend";

    /// <summary>The Secret holding the backend's credentials, for messages.</summary>
    public string? SecretName { get; init; }

    public LocalBackend? Local { get; init; }
    public S3Backend? S3 { get; init; }
    public GcsBackend? Gcs { get; init; }
    public AzureBackend? Azure { get; init; }
    public SwiftBackend? Swift { get; init; }
    public B2Backend? B2 { get; init; }
    public RestBackend? Rest { get; init; }
}

internal sealed record LocalBackend(string? MountPath, string? SubPath);

internal sealed record S3Backend(string? Endpoint, string? Bucket, string? Prefix, string? Region, bool InsecureTls);

internal sealed record GcsBackend(string? Bucket, string? Prefix, int? MaxConnections);

internal sealed record AzureBackend(string? Container, string? Prefix, int? MaxConnections)
{
    /// <summary>KubeStash names the storage account in the BackupStorage; Stash keeps it in the Secret.</summary>
    public string? StorageAccount { get; init; }
}

internal sealed record SwiftBackend(string? Container, string? Prefix);

internal sealed record B2Backend(string? Bucket, string? Prefix, int? MaxConnections);

internal sealed record RestBackend(string? Url);
