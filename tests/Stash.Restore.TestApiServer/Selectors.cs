using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>Label selectors (=, ==, !=, in, notin, exists, !exists) and field selectors (=, ==, != on dotted paths).</summary>
internal static class Selectors
{
    public static Func<JsonObject, bool> Labels(string selector)
    {
        var requirements = Split(selector).Select(ParseLabelRequirement).ToList();
        return obj =>
        {
            var labels = obj["metadata"]?["labels"] as JsonObject;
            return requirements.All(r => r(labels));
        };
    }

    public static Func<JsonObject, bool> Fields(string selector)
    {
        var requirements = new List<Func<JsonObject, bool>>();
        foreach (var term in Split(selector))
        {
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (parts.Length != 2)
                throw ApiErrors.BadRequest($"invalid field selector: '{term}'");
            var path = parts[0].Trim().Split('.');
            var expected = parts[1].Trim();
            requirements.Add(obj =>
            {
                JsonNode? node = obj;
                foreach (var segment in path)
                    node = node is JsonObject o ? o[segment] : null;
                var actual = node is JsonValue v ? v.ToString() : "";
                return (actual == expected) != negate;
            });
        }
        return obj => requirements.All(r => r(obj));
    }

    /// <summary>The name a field selector requires exactly (<c>metadata.name=x</c>), as RequiresExactMatch finds it; else null.</summary>
    public static string? ExactName(string? selector)
    {
        foreach (var term in Split(selector ?? ""))
        {
            if (term.Contains("!=", StringComparison.Ordinal))
                continue;
            var parts = term.Split(term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (parts.Length == 2 && parts[0].Trim() == "metadata.name" && parts[1].Trim().Length > 0)
                return parts[1].Trim();
        }
        return null;
    }

    private static Func<JsonObject?, bool> ParseLabelRequirement(string term)
    {
        term = term.Trim();
        string? Value(JsonObject? labels, string key) => labels?[key] is JsonValue v ? v.ToString() : null;
        var notIn = term.IndexOf(" notin ", StringComparison.Ordinal);
        var inSet = term.IndexOf(" in ", StringComparison.Ordinal);
        if (notIn > 0 || inSet > 0)
        {
            var at = notIn > 0 ? notIn : inSet;
            var key = term[..at].Trim();
            var values = term[(at + (notIn > 0 ? 7 : 4))..].Trim().TrimStart('(').TrimEnd(')').Split(',').Select(v => v.Trim()).ToHashSet();
            return labels =>
            {
                var actual = Value(labels, key);
                return notIn > 0 ? actual is null || !values.Contains(actual) : actual is not null && values.Contains(actual);
            };
        }
        if (term.Contains("!=", StringComparison.Ordinal))
        {
            var parts = term.Split("!=", 2);
            return labels => Value(labels, parts[0].Trim()) != parts[1].Trim();
        }
        if (term.Contains('=', StringComparison.Ordinal))
        {
            var parts = term.Split(term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            return labels => Value(labels, parts[0].Trim()) == parts[1].Trim();
        }
        if (term.StartsWith('!'))
            return labels => Value(labels, term[1..].Trim()) is null;
        return labels => Value(labels, term) is not null;
    }

    /// <summary>Splits on commas outside parentheses.</summary>
    private static List<string> Split(string selector)
    {
        var terms = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(')
                depth++;
            else if (selector[i] == ')')
                depth--;
            else if (selector[i] == ',' && depth == 0)
            {
                terms.Add(selector[start..i]);
                start = i + 1;
            }
        }
        terms.Add(selector[start..]);
        return terms.Where(t => t.Trim().Length > 0).ToList();
    }
}
