using System.Text.Json.Nodes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary><c>storage.kubestash.com/v1alpha1</c> Snapshot: one backup of a Repository, per component.</summary>
internal sealed record Snapshot
{
    public const string ApiVersionV1Alpha1 = "storage.kubestash.com/v1alpha1";
    public const string KindName = "Snapshot";

    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta Metadata { get; init; } = new();
    public SnapshotSpec Spec { get; init; } = new();
    public SnapshotStatus? Status { get; init; }

    /// <summary>"Snapshot demo/gcs-repo-sample-backup-1702543201", for messages.</summary>
    public string Describe() => $"Snapshot {Metadata.Namespace ?? "?"}/{Metadata.Name ?? "?"}";
}

internal sealed record SnapshotSpec
{
    public string? SnapshotID { get; init; }
    public string? Type { get; init; }

    /// <summary>Name of the Repository (same namespace) this Snapshot belongs to.</summary>
    public string? Repository { get; init; }
    public string? Session { get; init; }
    public string? BackupSession { get; init; }
    public string? Version { get; init; }
    public TypedObjectReference? AppRef { get; init; }
    public string? DeletionPolicy { get; init; }
    public bool? Paused { get; init; }
}

internal sealed record SnapshotStatus
{
    public string? Phase { get; init; }
    public string? VerificationStatus { get; init; }
    public DateTimeOffset? SnapshotTime { get; init; }
    public DateTimeOffset? LastUpdateTime { get; init; }
    public string? Size { get; init; }
    public bool? Integrity { get; init; }
    public int? TotalComponents { get; init; }
    public Dictionary<string, SnapshotComponent>? Components { get; init; }
    public List<JsonObject>? Conditions { get; init; }
}

/// <summary><c>status.components[c]</c> of a Snapshot: where the component's restic repository is and what it holds.</summary>
internal sealed record SnapshotComponent
{
    /// <summary>Relative to the Repository's directory: <c>repository/v1/&lt;session&gt;/&lt;component&gt;</c>.</summary>
    public string? Path { get; init; }
    public string? Phase { get; init; }
    public string? Size { get; init; }
    public string? Duration { get; init; }
    public bool? Integrity { get; init; }
    public string? Error { get; init; }

    /// <summary>Restic, WalG, VolumeSnapshotter, …; empty on older Snapshots (restic).</summary>
    public string? Driver { get; init; }
    public List<ResticStats>? ResticStats { get; init; }
}

/// <summary>
/// One restic snapshot of a component. Current Snapshots nest it under <see cref="Summary"/>;
/// older ones carry <see cref="Id"/> and <see cref="HostPath"/> directly.
/// </summary>
internal sealed record ResticStats
{
    public ResticSummary? Summary { get; init; }
    public JsonObject? Progress { get; init; }
    public string? Id { get; init; }
    public string? HostPath { get; init; }
    public string? Size { get; init; }
    public string? Uploaded { get; init; }
}

internal sealed record ResticSummary
{
    public string? Id { get; init; }
    public string? HostPath { get; init; }
    public string? Size { get; init; }
    public string? Uploaded { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
}

/// <summary>Phases of a Snapshot and of its components, as the schema's enum spells them.</summary>
internal static class SnapshotPhase
{
    public const string Succeeded = "Succeeded";
}
