using System.Text.Json.Nodes;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// RFC 7386 JSON merge patch, as the API server applies <c>application/merge-patch+json</c>: objects
/// merge key by key, <c>null</c> deletes, anything else replaces. Used to keep an offline status
/// document exactly as the cluster would after the same patches.
/// </summary>
internal static class JsonMergePatch
{
    /// <summary>Returns the patched document; <paramref name="target"/> is changed in place when it is an object.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
            return patch?.DeepClone();
        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
                continue;
            }
            var existing = result[key];
            var merged = Apply(existing, value);
            if (!ReferenceEquals(merged, existing))
                result[key] = merged;
        }
        return result;
    }
}
