using System.Text.Json.Serialization;
using k8s.Models;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// Source-generated (trim-safe) JSON of what the transport reads itself: CRD objects as JSON nodes
/// and the library's <see cref="V1Status"/>, the body of every API error (the library's own JSON
/// helpers are internal).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSerializable(typeof(V1Status))]
internal sealed partial class KubernetesJsonContext : JsonSerializerContext;
