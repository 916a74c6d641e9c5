using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary><c>storage.kubestash.com/v1alpha1</c> Repository: a directory (<c>spec.path</c>) in a BackupStorage.</summary>
internal sealed record Repository
{
    public const string ApiVersionV1Alpha1 = "storage.kubestash.com/v1alpha1";
    public const string KindName = "Repository";

    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta Metadata { get; init; } = new();
    public RepositorySpec Spec { get; init; } = new();

    public string Describe() => $"Repository {Metadata.Namespace ?? "?"}/{Metadata.Name ?? "?"}";
}

internal sealed record RepositorySpec
{
    public TypedObjectReference? AppRef { get; init; }

    /// <summary>The BackupStorage holding the data; namespace defaults to the Repository's.</summary>
    public ObjectReference? StorageRef { get; init; }

    /// <summary>Directory of this Repository inside the BackupStorage.</summary>
    public string? Path { get; init; }
    public string? DeletionPolicy { get; init; }

    /// <summary>The Secret with <c>RESTIC_PASSWORD</c> used when backing up; the session's own reference wins.</summary>
    public ObjectReference? EncryptionSecret { get; init; }
    public bool? Paused { get; init; }
}
