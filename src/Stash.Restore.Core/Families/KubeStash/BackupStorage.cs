using System.Text.Json.Nodes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary><c>storage.kubestash.com/v1alpha1</c> BackupStorage: the bucket or volume all its Repositories live in.</summary>
internal sealed record BackupStorage
{
    public const string ApiVersionV1Alpha1 = "storage.kubestash.com/v1alpha1";
    public const string KindName = "BackupStorage";

    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta Metadata { get; init; } = new();
    public BackupStorageSpec Spec { get; init; } = new();

    public string Describe() => $"BackupStorage {Metadata.Namespace ?? "?"}/{Metadata.Name ?? "?"}";
}

internal sealed record BackupStorageSpec
{
    public StorageBackend? Storage { get; init; }
    public bool? Default { get; init; }
    public string? DeletionPolicy { get; init; }
    public JsonObject? UsagePolicy { get; init; }
    public JsonObject? RuntimeSettings { get; init; }
}

/// <summary><c>spec.storage</c>: <see cref="Provider"/> names which of the backends below is used.</summary>
internal sealed record StorageBackend
{
    /// <summary><c>local</c>, <c>s3</c>, <c>gcs</c> or <c>azure</c>.</summary>
    public string? Provider { get; init; }
    public LocalStorage? Local { get; init; }
    public S3Storage? S3 { get; init; }
    public GcsStorage? Gcs { get; init; }
    public AzureStorage? Azure { get; init; }
}

/// <summary>A volume mounted into the executor; the volume source itself matters only to the operator.</summary>
internal sealed record LocalStorage
{
    public string? MountPath { get; init; }
    public string? SubPath { get; init; }
    public long? MaxConnections { get; init; }
}

internal sealed record S3Storage
{
    public string? Endpoint { get; init; }
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
    public string? Region { get; init; }
    public string? SecretName { get; init; }
    public long? MaxConnections { get; init; }
    public bool? InsecureTLS { get; init; }
}

internal sealed record GcsStorage
{
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
    public long? MaxConnections { get; init; }
    public string? SecretName { get; init; }
}

internal sealed record AzureStorage
{
    public string? StorageAccount { get; init; }
    public string? Container { get; init; }
    public string? Prefix { get; init; }
    public long? MaxConnections { get; init; }
    public string? SecretName { get; init; }
}
