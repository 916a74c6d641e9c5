using System.Text.Json.Serialization;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>Source-generated (trim-safe) serialization for the KubeStash objects the executor reads or writes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(RestoreSession))]
[JsonSerializable(typeof(Snapshot))]
[JsonSerializable(typeof(Repository))]
[JsonSerializable(typeof(BackupStorage))]
[JsonSerializable(typeof(RestoreSessionStatus))]
[JsonSerializable(typeof(ComponentRestoreStatus))]
[JsonSerializable(typeof(ComponentPlanReport))]
internal sealed partial class KubeStashJsonContext : JsonSerializerContext;
