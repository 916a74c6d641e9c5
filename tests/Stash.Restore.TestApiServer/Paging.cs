using System.Text;
using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// <c>limit</c>/<c>continue</c> on lists. The token is the (namespace, name) of the last item
/// served; items are ordered by namespace then name, so a page continues after it. Unlike the
/// real server, a continued list shows the current state, not the first page's snapshot.
/// </summary>
internal static class Paging
{
    public sealed record Page(List<JsonObject> Items, string? Continue, long Remaining);

    public static Page Apply(List<JsonObject> items, string limit, string continueToken)
    {
        if (continueToken.Length > 0)
        {
            string after;
            try
            {
                after = Encoding.UTF8.GetString(Convert.FromBase64String(continueToken));
            }
            catch (FormatException)
            {
                throw ApiErrors.BadRequest("continue key is not valid: illegal base64 data");
            }
            items = items.Where(i => string.CompareOrdinal(Key(i), after) > 0).ToList();
        }
        if (!int.TryParse(limit, out var max) || max <= 0 || items.Count <= max)
            return new Page(items, null, 0);
        var served = items.Take(max).ToList();
        return new Page(served, Convert.ToBase64String(Encoding.UTF8.GetBytes(Key(served[^1]))), items.Count - max);
    }

    // '\u0001' sorts below every character allowed in names, so namespace boundaries order correctly.
    private static string Key(JsonObject item) =>
        $"{(string?)item["metadata"]?["namespace"]}\u0001{(string?)item["metadata"]?["name"]}";
}
