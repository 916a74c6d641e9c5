using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary><c>stash.appscode.com/v1alpha1</c> Repository: where the restic repository lives.</summary>
internal sealed record Repository
{
    public const string ApiVersionV1Alpha1 = "stash.appscode.com/v1alpha1";
    public const string KindName = "Repository";

    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta Metadata { get; init; } = new();
    public RepositorySpec Spec { get; init; } = new();
}

internal sealed record RepositorySpec
{
    public BackendSpec? Backend { get; init; }
}

internal sealed record BackendSpec
{
    public string? StorageSecretName { get; init; }
    public LocalSpec? Local { get; init; }
    public S3Spec? S3 { get; init; }
    public GcsSpec? Gcs { get; init; }
    public AzureSpec? Azure { get; init; }
    public SwiftSpec? Swift { get; init; }
    public B2Spec? B2 { get; init; }
    public RestServerSpec? Rest { get; init; }
}

internal sealed record LocalSpec
{
    public string? MountPath { get; init; }
    public string? SubPath { get; init; }
}

internal sealed record S3Spec
{
    public string? Endpoint { get; init; }
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
    public string? Region { get; init; }
    public bool? InsecureTLS { get; init; }
}

internal sealed record GcsSpec
{
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
    public int? MaxConnections { get; init; }
}

internal sealed record AzureSpec
{
    public string? Container { get; init; }
    public string? Prefix { get; init; }
    public int? MaxConnections { get; init; }
}

internal sealed record SwiftSpec
{
    public string? Container { get; init; }
    public string? Prefix { get; init; }
}

internal sealed record B2Spec
{
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
    public int? MaxConnections { get; init; }
}

internal sealed record RestServerSpec
{
    public string? Url { get; init; }
}
