using System.Text.Json.Serialization;

using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// <c>stash.appscode.com/v1beta1</c> RestoreSession, in the shape the published CRD schema allows.
/// Only the fields the executor reads or writes are modelled; the rest are ignored on read.
/// </summary>
internal sealed record RestoreSession
{
    public const string ApiVersionV1Beta1 = "stash.appscode.com/v1beta1";
    public const string KindName = "RestoreSession";

    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta Metadata { get; init; } = new();
    public RestoreSessionSpec Spec { get; init; } = new();
    public RestoreSessionStatus? Status { get; init; }
}

internal sealed record RestoreSessionSpec
{
    public string? Driver { get; init; }

    /// <summary>The Stash Task that restores: empty or <c>pvc-restore</c> here; a database addon's task otherwise.</summary>
    public TaskReference? Task { get; init; }
    public RepositoryReference? Repository { get; init; }
    public RestoreTarget? Target { get; init; }

    public const string TargetRulesField = "spec.target.rules";
    public const string LegacyRulesField = "spec.rules";

    /// <summary>Older top-level rules; normalised into <c>spec.target.rules</c> on load.</summary>
    public List<RestoreRule>? Rules { get; init; }

    /// <summary>
    /// Where the manifest keeps the rules now found in <c>spec.target.rules</c>: messages and plans
    /// name a rule where its author wrote it (<c>spec.rules[0]</c> for older sessions). Never serialised.
    /// </summary>
    [JsonIgnore]
    public string RulesField { get; init; } = TargetRulesField;

    public RestoreHooks? Hooks { get; init; }
    public RuntimeSettings? RuntimeSettings { get; init; }
    public TempDirSettings? TempDir { get; init; }

    /// <summary>Go duration string, e.g. <c>30m</c>.</summary>
    public string? TimeOut { get; init; }
}

internal sealed record TaskReference
{
    public string? Name { get; init; }
    public List<TaskParameter>? Params { get; init; }
}

internal sealed record TaskParameter
{
    public string? Name { get; init; }
    public string? Value { get; init; }
}

internal sealed record RepositoryReference
{
    public string? Name { get; init; }
    public string? Namespace { get; init; }
}

internal sealed record RestoreTarget
{
    public TargetReference? Ref { get; init; }
    public string? Alias { get; init; }
    public List<RestoreRule>? Rules { get; init; }
    public List<VolumeMount>? VolumeMounts { get; init; }

    /// <summary>Kept opaque: only their presence matters to the executor (host identity).</summary>
    public List<System.Text.Json.Nodes.JsonObject>? VolumeClaimTemplates { get; init; }

    public int? Replicas { get; init; }
    public List<string>? Args { get; init; }
}

internal sealed record TargetReference
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? Namespace { get; init; }
}

internal sealed record VolumeMount
{
    public string? Name { get; init; }
    public string? MountPath { get; init; }
    public string? SubPath { get; init; }
    public bool? ReadOnly { get; init; }
}

internal sealed record RestoreRule
{
    public List<string>? TargetHosts { get; init; }
    public string? SourceHost { get; init; }
    public List<string>? Paths { get; init; }
    public List<string>? Snapshots { get; init; }
    public List<string>? Include { get; init; }
    public List<string>? Exclude { get; init; }
}

internal sealed record RestoreHooks
{
    public HookSpec? PreRestore { get; init; }
    public HookSpec? PostRestore { get; init; }
}

internal sealed record RuntimeSettings
{
    public ContainerRuntimeSettings? Container { get; init; }
}

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

internal sealed record TempDirSettings
{
    public string? Medium { get; init; }
    public bool? DisableCaching { get; init; }
}

internal sealed record RestoreSessionStatus
{
    public string? Phase { get; init; }
    public int? TotalHosts { get; init; }
    public string? SessionDuration { get; init; }
    public string? SessionDeadline { get; init; }
    public List<HostRestoreStats>? Stats { get; init; }
    public List<Condition>? Conditions { get; init; }
}

/// <summary>One entry of <c>status.stats[]</c>; exactly the fields the schema declares.</summary>
internal sealed record HostRestoreStats
{
    public string? Hostname { get; init; }
    public string? Phase { get; init; }
    public string? Duration { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}

internal sealed record Condition
{
    public string? Type { get; init; }
    public string? Status { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public string? LastTransitionTime { get; init; }
    public long? ObservedGeneration { get; init; }

    /// <summary><c>lastTransitionTime</c> as the API server writes a metav1.Time: RFC 3339 in UTC with second precision.</summary>
    public static string TransitionTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Phases of one host's entry, as the schema's enum spells them.</summary>
internal static class HostPhase
{
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Unknown = "Unknown";
}
