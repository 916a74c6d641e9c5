using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Stash.Restore.Core.Input;

/// <summary>Reads a Kubernetes object from a YAML or JSON file into a typed model.</summary>
internal static class ObjectFileReader
{
    public static T Read<T>(string path, JsonTypeInfo<T> typeInfo, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"{what} file '{path}': {e.Message}", e);
        }
        return Parse(text, typeInfo, $"{what} file '{path}'");
    }

    public static T Parse<T>(string text, JsonTypeInfo<T> typeInfo, string source)
    {
        JsonNode? node;
        try
        {
            node = LooksLikeJson(text) ? JsonNode.Parse(text) : YamlToJson.Convert(text);
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw new InvalidInputException($"{source}: not valid YAML or JSON: {OneLine(e.Message)}", e);
        }
        if (node is not JsonObject)
            throw new InvalidInputException($"{source}: expected a single object");
        try
        {
            return node.Deserialize(typeInfo) ?? throw new InvalidInputException($"{source}: empty document");
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path.TrimStart('$', '.')}";
            throw new InvalidInputException($"{source}: wrong type{where}: {OneLine(e.Message)}", e);
        }
    }

    private static bool LooksLikeJson(string text) => text.TrimStart().StartsWith('{');

    private static string OneLine(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).ReplaceLineEndings(" ").Trim();
    }
}

/// <summary>YAML 1.2 core schema → JSON, so YAML and JSON share one typed deserializer.</summary>
internal static class YamlToJson
{
    public static JsonNode? Convert(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var documents = stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).ToList();
        return documents.Count switch
        {
            0 => null,
            1 => ToJson(documents[0].RootNode),
            _ => throw new YamlException($"expected one document, found {documents.Count}"),
        };
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlException($"unsupported YAML node at {node.Start}"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(value);
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, null, out var integer))
            return JsonValue.Create(integer);
        if (double.TryParse(value, System.Globalization.NumberStyles.Float, null, out var real) && value.Any(char.IsDigit))
            return JsonValue.Create(real);
        return JsonValue.Create(value);
    }
}
