using System.Text.Json.Nodes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// <c>core.kubestash.com/v1alpha1</c> RestoreSession, in the shape the published CRD schema allows.
/// Only what the executor reads or writes is typed; parts the operator alone uses (job template,
/// hooks, manifest options) are kept opaque so a document round-trips.
/// </summary>
internal sealed record RestoreSession
{
    public const string ApiVersionV1Alpha1 = "core.kubestash.com/v1alpha1";
    public const string KindName = "RestoreSession";

    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta Metadata { get; init; } = new();
    public RestoreSessionSpec Spec { get; init; } = new();
    public RestoreSessionStatus? Status { get; init; }

    /// <summary>"RestoreSession demo/sample-restore", for messages.</summary>
    public string Describe() => $"RestoreSession {Metadata.Namespace ?? "?"}/{Metadata.Name ?? "?"}";

    /// <summary>Where the Repository and Snapshot are: <c>spec.dataSource.namespace</c>, else the session's.</summary>
    public string DataSourceNamespace() =>
        Spec.DataSource?.Namespace is { Length: > 0 } @namespace ? @namespace : Metadata.Namespace ?? "";
}

internal sealed record RestoreSessionSpec
{
    public TypedObjectReference? Target { get; init; }
    public RestoreDataSource? DataSource { get; init; }
    public AddonInfo? Addon { get; init; }

    /// <summary>HookTemplates are run by the KubeStash operator, never by this executor.</summary>
    public JsonObject? Hooks { get; init; }

    /// <summary>Go duration string, e.g. <c>30m</c>.</summary>
    public string? RestoreTimeout { get; init; }

    public JsonObject? ManifestOptions { get; init; }
}

internal sealed record TypedObjectReference
{
    public string? ApiGroup { get; init; }
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? Namespace { get; init; }
}

/// <summary>A reference by name with an optional namespace (kmodules <c>ObjectReference</c>).</summary>
internal sealed record ObjectReference
{
    public string? Name { get; init; }
    public string? Namespace { get; init; }
}

internal sealed record RestoreDataSource
{
    /// <summary>Namespace of the Repository and Snapshot; empty means the session's.</summary>
    public string? Namespace { get; init; }
    public string? Repository { get; init; }

    /// <summary>A Snapshot name, or <c>latest</c>.</summary>
    public string? Snapshot { get; init; }
    public PointInTimeRecovery? Pitr { get; init; }

    /// <summary>Components to restore; empty means every component of the Snapshot.</summary>
    public List<string>? Components { get; init; }
    public ObjectReference? EncryptionSecret { get; init; }
}

internal sealed record PointInTimeRecovery
{
    public string? TargetTime { get; init; }
    public bool? Exclusive { get; init; }
}

internal sealed record AddonInfo
{
    public string? Name { get; init; }
    public List<TaskReference>? Tasks { get; init; }
    public ContainerRuntimeSettings? ContainerRuntimeSettings { get; init; }
    public JsonObject? JobTemplate { get; init; }
}

internal sealed record TaskReference
{
    public string? Name { get; init; }

    /// <summary>Free-form task parameters (<c>x-kubernetes-preserve-unknown-fields</c>), e.g. <c>include</c>, <c>exclude</c>.</summary>
    public JsonObject? Params { get; init; }
}

/// <summary>The parts of the executor container's runtime settings the executor applies to itself.</summary>
internal sealed record ContainerRuntimeSettings
{
    public NiceSettings? Nice { get; init; }
    public IoNiceSettings? Ionice { get; init; }
}

internal sealed record NiceSettings
{
    public int? Adjustment { get; init; }
}

internal sealed record IoNiceSettings
{
    public int? Class { get; init; }
    public int? ClassData { get; init; }
}

/// <summary>
/// The session's status. The executor writes only <see cref="Components"/>[its component]; the
/// rest belongs to the operator and is kept opaque or read-only here.
/// </summary>
internal sealed record RestoreSessionStatus
{
    public string? Phase { get; init; }
    public bool? TargetFound { get; init; }
    public string? Duration { get; init; }
    public string? RestoreDeadline { get; init; }
    public int? TotalComponents { get; init; }
    public Dictionary<string, ComponentRestoreStatus>? Components { get; init; }
    public JsonObject? Hooks { get; init; }
    public List<JsonObject>? Dependencies { get; init; }
    public List<JsonObject>? PausedBackups { get; init; }
    public List<JsonObject>? Conditions { get; init; }
}

/// <summary>One entry of <c>status.components</c>; exactly the fields the schema declares.</summary>
internal sealed record ComponentRestoreStatus
{
    public string? Phase { get; init; }
    public RestoreProgress? Progress { get; init; }
    public string? Duration { get; init; }
    public string? Error { get; init; }
}

/// <summary><c>status.components[c].progress</c> in KubeStash's shape (sizes and speed as its Go code prints them).</summary>
internal sealed record RestoreProgress
{
    public long? SecondsElapsed { get; init; }
    public string? PercentDone { get; init; }
    public long? TotalFiles { get; init; }
    public long? FilesDone { get; init; }
    public string? RestoreDone { get; init; }
    public string? Total { get; init; }
    public string? Speed { get; init; }
}

/// <summary>Phases of a component entry, as the schema's enum spells them.</summary>
internal static class ComponentPhase
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
}
