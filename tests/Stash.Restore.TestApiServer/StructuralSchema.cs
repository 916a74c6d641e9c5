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
    /// <summary>Prunes and defaults <paramref name="obj"/> in place; returns the pruned field paths.</summary>
    public static List<string> PruneAndDefault(JsonObject obj, JsonObject schema)
    {
        var unknown = new List<string>();
        PruneObject(obj, schema, "", unknown, isRoot: true);
        return unknown;
    }

    public static List<FieldError> Validate(JsonObject obj, JsonObject schema)
    {
        var errors = new List<FieldError>();
        foreach (var (key, value) in obj)
        {
            if (key is "metadata" or "apiVersion" or "kind")
                continue;
            if (schema["properties"]?[key] is JsonObject child)
                ValidateNode(value, child, key, errors);
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

    private static void PruneNode(JsonNode? node, JsonObject? schema, string path, List<string> unknown)
    {
        if (schema is null)
            return;
        switch (node)
        {
            case JsonObject obj:
                PruneObject(obj, schema, path, unknown, isRoot: false);
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                    PruneNode(array[i], items, $"{path}[{i}]", unknown);
                break;
        }
    }

    private static void PruneObject(JsonObject obj, JsonObject schema, string path, List<string> unknown, bool isRoot)
    {
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        var preserve = Flag(schema, "x-kubernetes-preserve-unknown-fields");
        var embedded = Flag(schema, "x-kubernetes-embedded-resource");
        foreach (var key in obj.Select(kv => kv.Key).ToList())
        {
            var value = obj[key];
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
                PruneNode(value, childSchema, isRoot || properties?[key] is not null ? Join(path, key) : $"{path}[{key}]", unknown);
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

    private static void ValidateNode(JsonNode? node, JsonObject schema, string path, List<FieldError> errors)
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
                foreach (var (key, value) in obj)
                {
                    if (properties?[key] is JsonObject child)
                        ValidateNode(value, child, Join(path, key), errors);
                    else if (schema["additionalProperties"] is JsonObject additional)
                        ValidateNode(value, additional, $"{path}[{key}]", errors);
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
