using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Input;

/// <summary>
/// Checks a JSON tree against the shape of a model before it is deserialised, so every wrong type
/// in a manifest is reported — each with its place and the expected shape in the manifest's terms
/// (<c>spec.hooks.postRestore: expected an object, got a list</c>), never a .NET type name.
/// </summary>
/// <remarks>
/// The model is the shape: the walk follows the source-generated <see cref="JsonTypeInfo"/> metadata
/// (properties, element types, nullability), which is Native-AOT safe. Fields the model does not
/// have are ignored, as the CRDs allow many the executor does not read. Each misfit is pruned from
/// the tree (a list item is replaced by an empty value so indexes stay put) so the rest can still be
/// deserialised and checked by the semantic validators.
/// </remarks>
internal static class ShapeChecker
{
    /// <summary>Checks (and prunes) <paramref name="root"/> in place; returns the problems in the model's field order.</summary>
    public static IReadOnlyList<ManifestProblem> CheckAndPrune(JsonNode root, JsonTypeInfo typeInfo)
    {
        var problems = new List<ManifestProblem>();
        if (!Fits(root, typeInfo, "", nullAllowed: false, problems))
            problems.Insert(0, new ManifestProblem(null, $"expected {Expected(typeInfo)}, got {Got(root)}"));
        return problems;
    }

    private static bool Fits(JsonNode? node, JsonTypeInfo info, string path, bool nullAllowed, List<ManifestProblem> problems)
    {
        var underlying = Nullable.GetUnderlyingType(info.Type);
        if (node is null)
        {
            if (nullAllowed || underlying is not null)
                return true;
            problems.Add(new ManifestProblem(path, $"expected {Expected(info)}, got null"));
            return false;
        }
        if (underlying is not null)
            info = info.Options.GetTypeInfo(underlying);

        if (ScalarFits(node, info.Type) is { } scalarFits)
            return scalarFits || Mismatch(node, info, path, problems);
        if (info.Type == typeof(JsonNode) || info.Type == typeof(JsonElement) || info.Type == typeof(object))
            return true;
        if (info.Type == typeof(JsonObject))
            return node is JsonObject || Mismatch(node, info, path, problems);
        if (info.Type == typeof(JsonArray))
            return node is JsonArray || Mismatch(node, info, path, problems);

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                if (node is not JsonObject obj)
                    return Mismatch(node, info, path, problems);
                foreach (var property in info.Properties)
                {
                    var childInfo = info.Options.GetTypeInfo(property.PropertyType);
                    if (obj.TryGetPropertyValue(property.Name, out var child)
                        && !Fits(child, childInfo, ManifestPath.Property(path, property.Name), property.IsSetNullable, problems))
                        obj.Remove(property.Name);
                    // System.Text.Json sets a missing init-only property to null, not to its initialiser:
                    // an absent object the model declares non-null (metadata, spec) is read as empty instead.
                    if (!obj.ContainsKey(property.Name) && !property.IsSetNullable && childInfo.Kind == JsonTypeInfoKind.Object
                        && !childInfo.Type.IsValueType)
                        obj[property.Name] = new JsonObject();
                }
                return true;

            case JsonTypeInfoKind.Enumerable when info.ElementType is { } elementType:
                if (node is not JsonArray array)
                    return Mismatch(node, info, path, problems);
                var elementInfo = info.Options.GetTypeInfo(elementType);
                for (var i = 0; i < array.Count; i++)
                {
                    // A null list item is never what the model wants (a null path, a null rule).
                    if (!Fits(array[i], elementInfo, ManifestPath.Index(path, i), nullAllowed: false, problems))
                        array[i] = Placeholder(elementInfo);
                }
                return true;

            case JsonTypeInfoKind.Dictionary when info.ElementType is { } valueType:
                if (node is not JsonObject map)
                    return Mismatch(node, info, path, problems);
                var valueInfo = info.Options.GetTypeInfo(valueType);
                foreach (var key in map.Select(kv => kv.Key).ToList())
                {
                    if (!Fits(map[key], valueInfo, ManifestPath.Property(path, key), nullAllowed: false, problems))
                        map.Remove(key);
                }
                return true;

            default:
                // A type with its own converter that this checker does not know: let the converter judge.
                try
                {
                    node.Deserialize(info);
                    return true;
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
                {
                    problems.Add(new ManifestProblem(path, $"has the wrong shape (got {Got(node)})"));
                    return false;
                }
        }
    }

    private static bool Mismatch(JsonNode node, JsonTypeInfo info, string path, List<ManifestProblem> problems)
    {
        var outOfRange = IntegerRange(info.Type) is not null && node.GetValueKind() == JsonValueKind.Number
            && IntegerIn(node, (decimal.MinValue, decimal.MaxValue));
        problems.Add(new ManifestProblem(path, $"expected {Expected(info)}, got {Got(node)}{(outOfRange ? " (out of range)" : "")}"));
        return false;
    }

    /// <summary>Whether a scalar fits a scalar type; null when the type is not a scalar this checker knows.</summary>
    private static bool? ScalarFits(JsonNode node, Type type)
    {
        var kind = node.GetValueKind();
        if (type == typeof(string))
            return kind == JsonValueKind.String;
        if (type == typeof(bool))
            return kind is JsonValueKind.True or JsonValueKind.False;
        if (IntegerRange(type) is { } range)
            return kind == JsonValueKind.Number && IntegerIn(node, range);
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            return kind == JsonValueKind.Number;
        if (type == typeof(IntOrString))
            return kind == JsonValueKind.String || (kind == JsonValueKind.Number && IntegerIn(node, (int.MinValue, int.MaxValue)));
        return null;
    }

    private static (decimal Min, decimal Max)? IntegerRange(Type type) =>
        type == typeof(int) ? (int.MinValue, int.MaxValue)
        : type == typeof(long) ? (long.MinValue, long.MaxValue)
        : type == typeof(short) ? (short.MinValue, short.MaxValue)
        : type == typeof(uint) ? (uint.MinValue, uint.MaxValue)
        : type == typeof(ulong) ? (ulong.MinValue, ulong.MaxValue)
        : null;

    private static bool IntegerIn(JsonNode node, (decimal Min, decimal Max) range) =>
        decimal.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
        && number == decimal.Truncate(number) && number >= range.Min && number <= range.Max;

    private static string Expected(JsonTypeInfo info)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type == typeof(string))
            return "a string";
        if (type == typeof(bool))
            return "a boolean (true or false)";
        if (IntegerRange(type) is not null)
            return "an integer";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            return "a number";
        if (type == typeof(IntOrString))
            return "an integer or a string";
        if (type == typeof(JsonArray))
            return "a list";
        if (type == typeof(JsonObject))
            return "an object";
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "a list",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            _ => "a value of another shape",
        };
    }

    private static string Got(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"a string {TextShortening.Quote(node.GetValue<string>())}",
        JsonValueKind.Number => $"a number {node.ToJsonString()}",
        JsonValueKind.True => "a boolean true",
        JsonValueKind.False => "a boolean false",
        _ => "null",
    };

    /// <summary>An empty value of the element's shape: keeps later indexes right while the misfit is left out.</summary>
    private static JsonNode? Placeholder(JsonTypeInfo info)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type == typeof(string))
            return JsonValue.Create("");
        if (type == typeof(bool))
            return JsonValue.Create(false);
        if (IntegerRange(type) is not null || type == typeof(double) || type == typeof(float) || type == typeof(decimal) || type == typeof(IntOrString))
            return JsonValue.Create(0);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => new JsonArray(),
            _ => new JsonObject(),
        };
    }
}
