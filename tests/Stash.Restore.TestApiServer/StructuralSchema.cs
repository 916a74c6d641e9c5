using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// What the real API server does with a custom resource against its CRD's structural schema:
/// prune undeclared fields (honouring <c>x-kubernetes-preserve-unknown-fields</c>,
/// <c>additionalProperties</c>, <c>x-kubernetes-embedded-resource</c>), drop nulls that are not
/// <c>nullable</c>, apply <c>default</c>s, then validate <c>type</c>
/// (incl. <c>x-kubernetes-int-or-string</c>), <c>enum</c>, <c>required</c> and the
/// <c>date-time</c> format. Root metadata is never pruned.
/// Not implemented: pattern, min/max, lengths, CEL rules, list-type uniqueness.
/// </summary>
internal static class StructuralSchema
{
    /// <summary>
    /// Prunes and defaults <paramref name="obj"/> in place; returns the pruned field paths.
    /// With <paramref name="touched"/> (the keys a write may have changed, as a tree: an object
    /// names the keys below it that may differ, anything else means "replaced"), only those parts
    /// are visited: the rest came unchanged from an object that was admitted before, and pruning
    /// and defaulting it again would change nothing.
    /// </summary>
    public static List<string> PruneAndDefault(JsonObject obj, JsonObject schema, JsonObject? touched = null)
    {
        var unknown = new List<string>();
        PruneObject(obj, schema, "", unknown, isRoot: true, touched);
        return unknown;
    }

    /// <summary>Validation errors of <paramref name="obj"/>; with <paramref name="touched"/>, of the parts it names
    /// (see <see cref="PruneAndDefault"/>) and of <c>required</c> on the objects above them.</summary>
    public static List<FieldError> Validate(JsonObject obj, JsonObject schema, JsonObject? touched = null)
    {
        var errors = new List<FieldError>();
        foreach (var (key, value) in Visited(obj, touched))
        {
            if (key is "metadata" or "apiVersion" or "kind")
                continue;
            if (schema["properties"]?[key] is JsonObject child)
                ValidateNode(value, child, key, errors, touched?[key] as JsonObject);
        }
        if (schema["required"] is JsonArray required)
        {
            foreach (var r in required)
            {
                var name = (string)r!;
                if (name is not ("metadata" or "apiVersion" or "kind") && !obj.ContainsKey(name))
                    errors.Add(FieldError.Required(name));
            }
        }
        return errors;
    }

    private static bool Flag(JsonObject schema, string name) => schema[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>The properties of <paramref name="obj"/> to visit: all, or those <paramref name="touched"/> names.</summary>
    private static List<KeyValuePair<string, JsonNode?>> Visited(JsonObject obj, JsonObject? touched)
    {
        if (touched is null)
            return [.. obj];
        var visited = new List<KeyValuePair<string, JsonNode?>>(touched.Count);
        foreach (var (key, _) in touched)
        {
            if (obj.TryGetPropertyValue(key, out var value))
                visited.Add(KeyValuePair.Create(key, value));
        }
        return visited;
    }

    private static void PruneNode(JsonNode? node, JsonObject? schema, string path, List<string> unknown, JsonObject? touched = null)
    {
        if (schema is null)
            return;
        switch (node)
        {
            case JsonObject obj:
                PruneObject(obj, schema, path, unknown, isRoot: false, touched);
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                    PruneNode(array[i], items, $"{path}[{i}]", unknown);
                break;
        }
    }

    private static void PruneObject(JsonObject obj, JsonObject schema, string path, List<string> unknown, bool isRoot, JsonObject? touched)
    {
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        var preserve = Flag(schema, "x-kubernetes-preserve-unknown-fields");
        var embedded = Flag(schema, "x-kubernetes-embedded-resource");
        foreach (var (key, value) in Visited(obj, touched))
        {
            if ((isRoot || embedded) && key is "apiVersion" or "kind" or "metadata")
                continue;
            var childSchema = properties?[key] as JsonObject ?? additional as JsonObject;
            if (childSchema is not null)
            {
                if (value is null && !Flag(childSchema, "nullable"))
                {
                    obj.Remove(key);
                    continue;
                }
                PruneNode(value, childSchema, isRoot || properties?[key] is not null ? Join(path, key) : $"{path}[{key}]", unknown, touched?[key] as JsonObject);
                continue;
            }
            if (preserve || additional is JsonValue a && a.TryGetValue<bool>(out var allowed) && allowed)
                continue;
            obj.Remove(key);
            unknown.Add(Join(path, key));
        }
        if (properties is null)
            return;
        foreach (var (key, child) in properties)
        {
            if (!obj.ContainsKey(key) && child?["default"] is { } defaultValue)
            {
                obj[key] = defaultValue.DeepClone();
                PruneNode(obj[key], child.AsObject(), Join(path, key), unknown);
            }
        }
    }

    private static void ValidateNode(JsonNode? node, JsonObject schema, string path, List<FieldError> errors, JsonObject? touched = null)
    {
        if (node is null)
        {
            if (!Flag(schema, "nullable") && schema["type"] is not null)
                errors.Add(FieldError.Invalid(path, "\"null\"", $"{path} in body must be of type {(string?)schema["type"]}: \"null\""));
            return;
        }
        var actual = TypeOf(node);
        if (Flag(schema, "x-kubernetes-int-or-string"))
        {
            if (actual is not ("integer" or "string"))
                errors.Add(FieldError.Invalid(path, Quote(actual), $"{path} in body must be of type integer,string: {Quote(actual)}"));
            return;
        }
        var expected = (string?)schema["type"];
        if (expected is not null && !Matches(expected, actual))
        {
            errors.Add(FieldError.Invalid(path, Quote(actual), $"{path} in body must be of type {expected}: {Quote(actual)}"));
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
            errors.Add(FieldError.NotSupported(path, Render(node), allowed.Select(Render)));
        if (actual == "string" && (string?)schema["format"] == "date-time" &&
            !DateTimeOffset.TryParse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            errors.Add(FieldError.Invalid(path, Render(node), $"{path} in body must be of type date-time: {Render(node)}"));
        switch (node)
        {
            case JsonObject obj:
                var properties = schema["properties"] as JsonObject;
                foreach (var (key, value) in Visited(obj, touched))
                {
                    if (properties?[key] is JsonObject child)
                        ValidateNode(value, child, Join(path, key), errors, touched?[key] as JsonObject);
                    else if (schema["additionalProperties"] is JsonObject additional)
                        ValidateNode(value, additional, $"{path}[{key}]", errors, touched?[key] as JsonObject);
                }
                if (schema["required"] is JsonArray required)
                {
                    foreach (var r in required)
                    {
                        if (!obj.ContainsKey((string)r!))
                            errors.Add(FieldError.Required(Join(path, (string)r!)));
                    }
                }
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                    ValidateNode(array[i], items, $"{path}[{i}]", errors);
                break;
        }
    }

    private static bool Matches(string expected, string actual) =>
        expected == actual || (expected == "number" && actual == "integer");

    private static string TypeOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(node) ? "integer" : "number",
            _ => "null",
        },
    };

    private static bool IsInteger(JsonNode node)
    {
        var value = node.AsValue();
        if (value.TryGetValue<long>(out _) || value.TryGetValue<int>(out _))
            return true;
        if (value.TryGetValue<double>(out var d))
            return false;
        return long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
    }

    private static string Quote(string s) => $"\"{s}\"";

    private static string Render(JsonNode? node) => node?.ToJsonString() ?? "null";
}
