using System.Text.Json.Serialization;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>Source-generated (trim-safe) serialization for every object the executor reads or writes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(RestoreSession))]
[JsonSerializable(typeof(Repository))]
[JsonSerializable(typeof(RestoreSessionStatus))]
[JsonSerializable(typeof(HostRestoreStats))]
[JsonSerializable(typeof(Condition))]
[JsonSerializable(typeof(RestoreOutput))]
internal sealed partial class StashJsonContext : JsonSerializerContext;
