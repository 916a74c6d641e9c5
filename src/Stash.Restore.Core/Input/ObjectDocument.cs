using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace Stash.Restore.Core.Input;

/// <summary>
/// A manifest's text parsed into a JSON tree, with where each field starts in the file when the
/// text was YAML (JSON bodies from the API have no lines worth naming).
/// </summary>
internal sealed partial record ObjectDocument(JsonNode? Root, IReadOnlyDictionary<string, SourcePosition> Positions)
{
    /// <summary>Parses YAML or JSON; a syntax error comes back as one problem at its line and column.</summary>
    public static (ObjectDocument? Document, ManifestProblem? SyntaxError) Parse(string text)
    {
        var positions = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        try
        {
            var root = LooksLikeJson(text) ? JsonNode.Parse(text) : YamlToJson.Convert(text, positions);
            return (new ObjectDocument(root, positions), null);
        }
        catch (JsonException e)
        {
            SourcePosition? at = e.LineNumber is { } line && e.BytePositionInLine is { } column
                ? new SourcePosition((int)line + 1, (int)column + 1)
                : null;
            return (null, new ManifestProblem(null, $"not valid JSON: {WithoutJsonNoise(e.Message)}", at));
        }
        catch (YamlException e)
        {
            var at = e.Start.Line > 0 ? new SourcePosition((int)e.Start.Line, (int)e.Start.Column) : (SourcePosition?)null;
            return (null, new ManifestProblem(null, WithoutYamlNoise(e), at));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16 fails this way (not with a YamlException) on some unclosed flow collections.
            return (null, new ManifestProblem(null, "not valid YAML after this point; is a [ or { left unclosed?", LastParsedPosition(text)));
        }
    }

    /// <summary>Where the parser last got to before it failed: the best place to point at when it gives none.</summary>
    private static SourcePosition? LastParsedPosition(string text)
    {
        var parser = new Parser(new StringReader(text));
        SourcePosition? last = null;
        try
        {
            while (parser.MoveNext())
                last = new SourcePosition((int)parser.Current!.End.Line, (int)parser.Current.End.Column);
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Expected: this is the failure being located.
        }
        return last;
    }

    /// <summary>The position of a place, or of its nearest enclosing field that has one.</summary>
    public SourcePosition? PositionOf(string? place)
    {
        while (!string.IsNullOrEmpty(place))
        {
            if (Positions.TryGetValue(place, out var at))
                return at;
            var cut = Math.Max(place.LastIndexOf('.'), place.LastIndexOf('['));
            place = cut > 0 ? place[..cut] : null;
        }
        return null;
    }

    private static bool LooksLikeJson(string text) => text.TrimStart().StartsWith('{');

    // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 5." — the position is reported on its own.
    private static string WithoutJsonNoise(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return TextShortening.OneLine(cut > 0 ? message[..cut] : message);
    }

    // YamlDotNet prefixes "(Line: 2, Col: 14, Idx: 27) - (Line: 2, Col: 15, Idx: 28): " — the position is reported on its own.
    private static string WithoutYamlNoise(YamlException e)
    {
        var message = YamlPositionNoise().Replace(e.Message, "");
        const string duplicate = "Duplicate key ";
        if (message.StartsWith(duplicate, StringComparison.Ordinal))
            message = $"duplicate key {TextShortening.Quote(message[duplicate.Length..])}: a field appears twice in one mapping (was indentation lost?)";
        return TextShortening.OneLine(message);
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex YamlPositionNoise();
}
