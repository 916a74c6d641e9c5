using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>JSON merge patch (RFC 7386) and JSON patch (RFC 6902).</summary>
internal static class Patches
{
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
            return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var existing = result[key];
                var merged = MergePatch(existing, value);
                // A merged object is the existing node changed in place; anything else replaces the
                // value where it stands, so a patch never reorders the object.
                if (!ReferenceEquals(merged, existing))
                    result[key] = merged;
            }
        }
        return result;
    }

    /// <summary>Applies RFC 6902 operations; throws <see cref="JsonPatchException"/> with evanphx/json-patch's wording.</summary>
    public static JsonNode? JsonPatch(JsonNode? document, JsonArray operations)
    {
        foreach (var op in operations)
        {
            if (op is not JsonObject operation)
                throw new JsonPatchException("invalid JSON Patch: operation is not an object");
            var kind = (string?)operation["op"] ?? throw new JsonPatchException("Unexpected kind: unknown");
            var path = (string?)operation["path"] ?? throw new JsonPatchException($"missing path in \"{kind}\" operation");
            switch (kind)
            {
                case "add":
                    document = Add(document, path, Value(operation, kind));
                    break;
                case "remove":
                    document = Remove(document, path, out _);
                    break;
                case "replace":
                    document = Remove(document, path, out _, kind);
                    document = Add(document, path, Value(operation, kind));
                    break;
                case "move":
                    {
                        var from = (string?)operation["from"] ?? throw new JsonPatchException("missing from in \"move\" operation");
                        document = Remove(document, from, out var moved, kind);
                        document = Add(document, path, moved);
                        break;
                    }
                case "copy":
                    {
                        var from = (string?)operation["from"] ?? throw new JsonPatchException("missing from in \"copy\" operation");
                        var copied = Resolve(document, from) ?? throw new JsonPatchException($"copy operation does not apply: doc is missing from path: {from}");
                        document = Add(document, path, copied.Value?.DeepClone());
                        break;
                    }
                case "test":
                    {
                        var expected = Value(operation, kind);
                        var actual = Resolve(document, path);
                        if (actual is null || !JsonNode.DeepEquals(actual.Value.Node, expected))
                            throw new JsonPatchException($"testing value {path} failed: test failed");
                        break;
                    }
                default:
                    throw new JsonPatchException($"Unexpected kind: {kind}");
            }
        }
        return document;
    }

    private static JsonNode? Value(JsonObject operation, string kind) =>
        operation.TryGetPropertyValue("value", out var value)
            ? value?.DeepClone()
            : throw new JsonPatchException($"missing value in \"{kind}\" operation");

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0)
            return [];
        if (pointer[0] != '/')
            throw new JsonPatchException($"invalid JSON pointer: {pointer}");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private readonly record struct Found(JsonNode? Node)
    {
        public JsonNode? Value => Node;
    }

    private static Found? Resolve(JsonNode? document, string pointer)
    {
        var current = document;
        foreach (var token in Tokens(pointer))
        {
            switch (current)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    current = child;
                    break;
                case JsonArray array when int.TryParse(token, out var index) && index >= 0 && index < array.Count:
                    current = array[index];
                    break;
                default:
                    return null;
            }
        }
        return new Found(current);
    }

    private static (JsonNode? Parent, string Last) Parent(JsonNode? document, string pointer, string kind)
    {
        var tokens = Tokens(pointer);
        var parentPointer = string.Concat(tokens.SkipLast(1).Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        var parent = Resolve(document, parentPointer);
        if (parent is null || parent.Value.Node is not (JsonObject or JsonArray))
            throw new JsonPatchException($"{kind} operation does not apply: doc is missing path: \"{pointer}\": missing value");
        return (parent.Value.Node, tokens[^1]);
    }

    private static JsonNode? Add(JsonNode? document, string pointer, JsonNode? value)
    {
        if (pointer.Length == 0)
            return value;
        var (parent, last) = Parent(document, pointer, "add");
        switch (parent)
        {
            case JsonObject obj:
                obj.Remove(last);
                obj[last] = value;
                break;
            case JsonArray array:
                if (last == "-")
                    array.Add(value);
                else if (int.TryParse(last, out var index) && index >= 0 && index <= array.Count)
                    array.Insert(index, value);
                else
                    throw new JsonPatchException($"add operation does not apply: doc is missing path: \"{pointer}\": missing value");
                break;
        }
        return document;
    }

    private static JsonNode? Remove(JsonNode? document, string pointer, out JsonNode? removed, string kind = "remove")
    {
        var (parent, last) = Parent(document, pointer, kind);
        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(last, out var child):
                obj.Remove(last);
                removed = child;
                return document;
            case JsonArray array when int.TryParse(last, out var index) && index >= 0 && index < array.Count:
                removed = array[index];
                array.RemoveAt(index);
                return document;
            default:
                throw new JsonPatchException($"{kind} operation does not apply: doc is missing path: \"{pointer}\": missing value");
        }
    }
}

/// <summary>The <c>fieldValidation</c> query parameter: what to do with fields the schema does not declare.</summary>
internal enum FieldValidation
{
    Warn,
    Ignore,
    Strict,
}

internal sealed class JsonPatchException(string message) : Exception(message);

internal static class JsonText
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Like Go's encoding/json closely enough: no escaping of '+' and friends.</summary>
    public static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonWriterOptions _compactWriter = new() { Encoder = Compact.Encoder, SkipValidation = true };

    /// <summary>Compact UTF-8 JSON, written straight to bytes (no intermediate string).</summary>
    public static byte[] ToUtf8(JsonNode node, int sizeHint = 0)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(sizeHint, 4096));
        using (var writer = new Utf8JsonWriter(buffer, _compactWriter))
            node.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }
}
