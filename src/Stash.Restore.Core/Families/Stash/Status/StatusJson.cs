using System.Text.Json;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>Indented output for status files and printed status.</summary>
internal static class StatusJson
{
    public static readonly StashJsonContext Indented = new(new JsonSerializerOptions(StashJsonContext.Default.Options) { WriteIndented = true });
}
