using System.Text.Json.Serialization;

namespace Stash.Restore.Core.Families.Stash;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RestorePlanReport))]
[JsonSerializable(typeof(HostsPreviewReport))]
internal sealed partial class StashPlanJsonContext : JsonSerializerContext;
