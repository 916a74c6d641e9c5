using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// Gives a manifest whose indentation was lost (a documentation page saved as rendered text) its
/// structure back, guided by the CRD's OpenAPI schema: each <c>key:</c> goes under the nearest open
/// field that declares it, each <c>- item</c> under the nearest list whose items fit it. The result
/// is only as right as the schema placement, so a wrong placement fails the validation that follows.
/// </summary>
internal static partial class SchemaIndenter
{
    private sealed record Frame(JsonObject Schema, int Indent);

    public static string Reindent(IEnumerable<string> lines, JsonObject schema)
    {
        var stack = new List<Frame> { new(schema, 0) };
        var output = new StringBuilder();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                var rest = line[2..];
                var itemKey = KeyOf(rest, out var itemValueEmpty);
                var list = PopTo(stack, f => Type(f.Schema) == "array"
                    && (itemKey is null ? Type(Items(f.Schema)) != "object" : Declares(Items(f.Schema), itemKey)), line);
                output.Append(' ', list.Indent).Append(line).Append('\n');
                if (itemKey is null)
                    continue;
                var item = new Frame(Items(list.Schema), list.Indent + 2);
                stack.Add(item);
                if (itemValueEmpty)
                    stack.Add(new Frame(Child(item.Schema, itemKey), item.Indent + 2));
                continue;
            }
            var key = KeyOf(line, out var valueEmpty) ?? throw new InvalidOperationException($"neither a field nor a list item: {line}");
            var owner = stack.Any(f => Declares(f.Schema, key))
                ? PopTo(stack, f => Declares(f.Schema, key), line)
                : PopTo(stack, f => IsOpen(f.Schema), line);
            output.Append(' ', owner.Indent).Append(line).Append('\n');
            if (valueEmpty)
                stack.Add(new Frame(Child(owner.Schema, key), owner.Indent + 2));
        }
        return output.ToString();
    }

    private static Frame PopTo(List<Frame> stack, Func<Frame, bool> fits, string line)
    {
        while (!fits(stack[^1]))
        {
            if (stack.Count == 1)
                throw new InvalidOperationException($"no place in the schema for: {line}");
            stack.RemoveAt(stack.Count - 1);
        }
        return stack[^1];
    }

    private static string? KeyOf(string text, out bool valueEmpty)
    {
        var match = KeyPattern().Match(text);
        valueEmpty = match.Success && (match.Groups[2].Value.Length == 0 || match.Groups[2].Value.StartsWith('#'));
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string? Type(JsonObject schema) => (string?)schema["type"];

    private static JsonObject Items(JsonObject schema) => schema["items"] as JsonObject ?? [];

    private static bool Declares(JsonObject schema, string key) => schema["properties"] is JsonObject properties && properties.ContainsKey(key);

    private static bool IsOpen(JsonObject schema) =>
        Type(schema) == "object" && (schema["properties"] is null || schema["additionalProperties"] is not null
            || schema["x-kubernetes-preserve-unknown-fields"] is not null);

    private static JsonObject Child(JsonObject schema, string key) =>
        (schema["properties"] as JsonObject)?[key] as JsonObject ?? schema["additionalProperties"] as JsonObject ?? [];

    [GeneratedRegex(@"^([A-Za-z_$][\w.$/-]*):(?:\s+(.*))?$")]
    private static partial Regex KeyPattern();
}
