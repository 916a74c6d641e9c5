using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Stash.Restore.Core.Input;

/// <summary>YAML 1.2 core schema → JSON, so YAML and JSON share one typed deserializer.</summary>
internal static class YamlToJson
{
    public static JsonNode? Convert(string yaml) => Convert(yaml, positions: null);

    /// <summary>
    /// Converts, recording where each field starts (<see cref="ManifestPath"/> → the key's line and
    /// column; list items → the item's) so a later problem can name its line.
    /// </summary>
    /// <exception cref="YamlException">Syntax errors, duplicate keys, several documents — all with a position.</exception>
    public static JsonNode? Convert(string yaml, Dictionary<string, SourcePosition>? positions)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var documents = stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).ToList();
        return documents.Count switch
        {
            0 => null,
            1 => ToJson(documents[0].RootNode, "", positions),
            _ => throw new YamlException(documents[1].RootNode.Start, documents[1].RootNode.End,
                $"expected one document, found {documents.Count}"),
        };
    }

    private static JsonNode? ToJson(YamlNode node, string path, Dictionary<string, SourcePosition>? positions) => node switch
    {
        YamlMappingNode map => Object(map, path, positions),
        YamlSequenceNode seq => Array(seq, path, positions),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlException(node.Start, node.End, "unsupported YAML node"),
    };

    private static JsonObject Object(YamlMappingNode map, string path, Dictionary<string, SourcePosition>? positions)
    {
        var result = new JsonObject();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: var key })
                throw new YamlException(keyNode.Start, keyNode.End, "a mapping key must be a plain value, not a list or a mapping");
            key ??= "";
            var child = ManifestPath.Property(path, key);
            positions?.TryAdd(child, At(keyNode.Start));
            result[key] = ToJson(valueNode, child, positions);
        }
        return result;
    }

    private static JsonArray Array(YamlSequenceNode seq, string path, Dictionary<string, SourcePosition>? positions)
    {
        var result = new JsonArray();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var child = ManifestPath.Index(path, i);
            positions?.TryAdd(child, At(seq.Children[i].Start));
            result.Add(ToJson(seq.Children[i], child, positions));
        }
        return result;
    }

    private static SourcePosition At(Mark mark) => new((int)mark.Line, (int)mark.Column);

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
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && value.Any(char.IsDigit))
            return JsonValue.Create(real);
        return JsonValue.Create(value);
    }
}
