using System.Text.Json.Serialization;

namespace Stash.Restore.Core.Execution;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RestorePlanReport))]
internal sealed partial class PlanJsonContext : JsonSerializerContext;
