using System.Text.Json.Nodes;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>A JSON patch for <c>/status</c> and what it relies on.</summary>
/// <param name="Operations">The RFC 6902 operations.</param>
/// <param name="SelfGuarded">Its <c>test</c> ops pin everything it relies on, so it may be planned from an older read.</param>
/// <param name="AfterLostRace">What to send at once, without a read, when this patch loses a race.</param>
internal sealed record StatusPatch(JsonArray Operations, bool SelfGuarded, JsonArray? AfterLostRace = null)
{
    /// <summary>The session's <c>metadata.resourceVersion</c>: what a patch creating <c>status</c> or a list in it is guarded by.</summary>
    public static string? ResourceVersion(JsonObject session) =>
        session["metadata"]?["resourceVersion"]?.GetValue<string>();
}
