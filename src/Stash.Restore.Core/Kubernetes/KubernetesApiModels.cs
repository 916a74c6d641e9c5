using System.Text.Json.Serialization;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>meta/v1 Status: the body of every API error.</summary>
internal sealed record ApiStatus
{
    public string? Kind { get; init; }
    public string? Status { get; init; }
    public string? Message { get; init; }
    public string? Reason { get; init; }
    public ApiStatusDetails? Details { get; init; }
    public int? Code { get; init; }
}

internal sealed record ApiStatusDetails
{
    public string? Name { get; init; }
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public List<ApiStatusCause>? Causes { get; init; }
}

internal sealed record ApiStatusCause
{
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public string? Field { get; init; }
}

/// <summary>core/v1 Secret, as read. <c>data</c> values are base64.</summary>
internal sealed record SecretObject
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta Metadata { get; init; } = new();
    public Dictionary<string, string>? Data { get; init; }
}

/// <summary>core/v1 Pod: the fields hooks need (pod IP, container names and named ports).</summary>
internal sealed record PodObject
{
    public ObjectMeta Metadata { get; init; } = new();
    public PodSpec Spec { get; init; } = new();
    public PodStatus? Status { get; init; }
}

internal sealed record PodSpec
{
    public List<ContainerSpec>? Containers { get; init; }
    public List<ContainerSpec>? InitContainers { get; init; }
}

internal sealed record ContainerSpec
{
    public string? Name { get; init; }
    public List<ContainerPortSpec>? Ports { get; init; }
}

internal sealed record ContainerPortSpec
{
    public string? Name { get; init; }
    public int ContainerPort { get; init; }
    public string? Protocol { get; init; }
}

internal sealed record PodStatus
{
    public string? PodIP { get; init; }
    public string? Phase { get; init; }
}

/// <summary>What the executor knows about a pod, flattened.</summary>
internal sealed record PodInfo(string Name, string Namespace, string? PodIP, IReadOnlyList<ContainerInfo> Containers);

internal sealed record ContainerInfo(string Name, IReadOnlyList<ContainerPortInfo> Ports);

internal sealed record ContainerPortInfo(string? Name, int ContainerPort);

/// <summary>core/v1 ObjectReference: what an Event is about.</summary>
internal sealed record ObjectReference
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? Namespace { get; init; }
    public string? Uid { get; init; }
    public string? ResourceVersion { get; init; }
}

internal sealed record EventSource
{
    public string? Component { get; init; }
    public string? Host { get; init; }
}

/// <summary>core/v1 Event.</summary>
internal sealed record EventObject
{
    public string ApiVersion { get; init; } = "v1";
    public string Kind { get; init; } = "Event";
    public ObjectMeta Metadata { get; init; } = new();
    public ObjectReference InvolvedObject { get; init; } = new();
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public string? Type { get; init; }
    public EventSource? Source { get; init; }
    public string? FirstTimestamp { get; init; }
    public string? LastTimestamp { get; init; }
    public int? Count { get; init; }
    public string? ReportingComponent { get; init; }
    public string? ReportingInstance { get; init; }
}

/// <summary>coordination.k8s.io/v1 Lease.</summary>
internal sealed record LeaseObject
{
    public const string ApiVersionV1 = "coordination.k8s.io/v1";

    public string ApiVersion { get; init; } = ApiVersionV1;
    public string Kind { get; init; } = "Lease";
    public ObjectMeta Metadata { get; init; } = new();
    public LeaseSpec Spec { get; init; } = new();
}

internal sealed record LeaseSpec
{
    /// <summary>Null means released. Serialised as absent so a release really clears it.</summary>
    public string? HolderIdentity { get; init; }
    public int? LeaseDurationSeconds { get; init; }

    /// <summary>MicroTime: <c>2006-01-02T15:04:05.000000Z</c>.</summary>
    public string? AcquireTime { get; init; }
    public string? RenewTime { get; init; }
    public int? LeaseTransitions { get; init; }
}

/// <summary>Source-generated (trim-safe) serialization of the API's own objects.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(ApiStatus))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSerializable(typeof(SecretObject))]
[JsonSerializable(typeof(PodObject))]
[JsonSerializable(typeof(EventObject))]
[JsonSerializable(typeof(LeaseObject))]
internal sealed partial class KubernetesJsonContext : JsonSerializerContext;
