using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace Stash.Restore.Core.Input;

/// <summary>Identity of a Kubernetes object in an <see cref="ObjectSet"/>.</summary>
internal readonly record struct ObjectKey(string ApiVersion, string Kind, string Namespace, string Name)
{
    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}

/// <summary>
/// The API served from files (<c>--objects FILE</c>, repeatable): multi-document YAML or JSON, or
/// a <c>List</c> as <c>kubectl get -o yaml</c> prints it. Objects are indexed by apiVersion, kind,
/// namespace and name; v1 Secrets decode <c>data</c> (base64) and <c>stringData</c>. Family-neutral:
/// each family deserializes the objects it knows with its own source-generated context.
/// </summary>
internal sealed partial class ObjectSet
{
    private readonly Dictionary<ObjectKey, (JsonObject Object, string Source)> _objects = [];

    /// <summary>Every object, in the order first read.</summary>
    public IReadOnlyCollection<ObjectKey> Keys => _objects.Keys;

    /// <summary>Reads every file; a later file may not redefine an object an earlier one holds.</summary>
    /// <param name="defaultNamespace">Namespace of objects that name none (as <c>kubectl -n</c> would give them).</param>
    public static ObjectSet Read(IEnumerable<string> paths, string defaultNamespace)
    {
        var set = new ObjectSet();
        foreach (var path in paths)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DependencyUnavailableException($"objects file '{path}': {e.Message}", e);
            }
            set.Add(text, $"objects file '{path}'", defaultNamespace);
        }
        return set;
    }

    /// <summary>Adds every object in <paramref name="text"/> (YAML or JSON, one or many documents, Lists flattened).</summary>
    public void Add(string text, string source, string defaultNamespace)
    {
        var documents = Documents(text, source);
        for (var d = 0; d < documents.Count; d++)
        {
            var where = documents.Count > 1 ? $"{source} document {d + 1}" : source;
            if (documents[d] is not JsonObject root)
                throw new InvalidInputException($"{where}: expected a Kubernetes object, got {Describe(documents[d])}");
            if (IsList(root))
            {
                var items = root["items"] as JsonArray ?? [];
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is not JsonObject item)
                        throw new InvalidInputException($"{where}: items[{i}] is not an object");
                    AddObject(item, $"{where} items[{i}]", defaultNamespace);
                }
            }
            else
            {
                AddObject(root, where, defaultNamespace);
            }
        }
    }

    public bool Contains(ObjectKey key) => _objects.ContainsKey(key);

    /// <summary>The raw object, or null when the files hold none with that identity.</summary>
    public JsonObject? Find(ObjectKey key) => _objects.TryGetValue(key, out var entry) ? entry.Object : null;

    /// <summary>Every object of one apiVersion and kind, optionally in one namespace.</summary>
    public IEnumerable<ObjectKey> OfKind(string apiVersion, string kind, string? @namespace = null) =>
        _objects.Keys.Where(k => k.ApiVersion == apiVersion && k.Kind == kind && (@namespace is null || k.Namespace == @namespace));

    /// <summary>The object as <typeparamref name="T"/>; a field of the wrong type names the object, its file and the field.</summary>
    /// <exception cref="DependencyUnavailableException">The files hold no such object (exit 3, like a 404 from the API).</exception>
    public T Get<T>(ObjectKey key, JsonTypeInfo<T> typeInfo)
    {
        if (!_objects.TryGetValue(key, out var entry))
            throw new DependencyUnavailableException($"{key} not found in the --objects files");
        try
        {
            return entry.Object.Deserialize(typeInfo) ?? throw new InvalidInputException($"{key} ({entry.Source}): empty object");
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path.TrimStart('$', '.')}";
            throw new InvalidInputException($"{key} ({entry.Source}): wrong type{where}: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// A v1 Secret's data: <c>data</c> base64-decoded, then <c>stringData</c> over it (as the API
    /// server merges them). Messages name the key, never a value.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">No such Secret in the files.</exception>
    public IReadOnlyDictionary<string, string> Secret(string @namespace, string name)
    {
        var key = new ObjectKey("v1", "Secret", @namespace, name);
        var secret = Find(key) ?? throw new DependencyUnavailableException($"{key} not found in the --objects files");
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if (secret["data"] is JsonObject encoded)
        {
            foreach (var (dataKey, value) in encoded)
            {
                if (value is null)
                    continue;
                if (value.GetValueKind() != JsonValueKind.String)
                    throw new InvalidInputException($"{key}: data.{dataKey} is not a base64 string");
                try
                {
                    data[dataKey] = Encoding.UTF8.GetString(Convert.FromBase64String(value.GetValue<string>()));
                }
                catch (FormatException e)
                {
                    throw new InvalidInputException($"{key}: data.{dataKey} is not valid base64", e);
                }
            }
        }
        if (secret["stringData"] is JsonObject plain)
        {
            foreach (var (dataKey, value) in plain)
            {
                if (value is null)
                    continue;
                if (value.GetValueKind() != JsonValueKind.String)
                    throw new InvalidInputException($"{key}: stringData.{dataKey} is not a string");
                data[dataKey] = value.GetValue<string>();
            }
        }
        return data;
    }

    private void AddObject(JsonObject item, string source, string defaultNamespace)
    {
        var apiVersion = Text(item, "apiVersion");
        var kind = Text(item, "kind");
        var metadata = item["metadata"] as JsonObject;
        var name = metadata is null ? null : Text(metadata, "name");
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(name))
            throw new InvalidInputException($"{source}: every object needs apiVersion, kind and metadata.name (got apiVersion {apiVersion ?? "<none>"} kind {kind ?? "<none>"} name {name ?? "<none>"})");
        var @namespace = Text(metadata!, "namespace");
        if (string.IsNullOrEmpty(@namespace))
        {
            @namespace = defaultNamespace;
            // The object then reads as the API would return it: with its namespace.
            metadata!["namespace"] = @namespace;
        }
        var key = new ObjectKey(apiVersion, kind, @namespace, name);
        if (_objects.TryGetValue(key, out var existing))
            throw new InvalidInputException($"{source}: {key} is also in {existing.Source}; give each object once");
        _objects[key] = (item, source);
    }

    private static bool IsList(JsonObject root) =>
        Text(root, "kind") is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && root["items"] is JsonArray;

    private static string? Text(JsonObject node, string property) =>
        node[property] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static List<JsonNode?> Documents(string text, string source)
    {
        var trimmed = text.TrimStart();
        try
        {
            if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
                return JsonDocuments(text);
            var documents = new List<JsonNode?>();
            foreach (var chunk in YamlDocuments(text))
            {
                if (YamlToJson.Convert(chunk) is { } node)
                    documents.Add(node);
            }
            return documents;
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw new InvalidInputException($"{source}: not valid YAML or JSON: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>One JSON value, an array of objects, or several values one after another.</summary>
    private static List<JsonNode?> JsonDocuments(string text)
    {
        var documents = new List<JsonNode?>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        while (reader.Read())
        {
            var node = JsonNode.Parse(ref reader);
            if (node is JsonArray array)
            {
                foreach (var element in array.ToList())
                {
                    array.Remove(element);
                    documents.Add(element);
                }
            }
            else
            {
                documents.Add(node);
            }
        }
        return documents;
    }

    /// <summary>
    /// Splits a YAML stream at its document markers (<c>---</c>/<c>...</c> at the start of a line,
    /// where YAML itself ends a document), so each document goes through the one YAML→JSON conversion.
    /// </summary>
    private static IEnumerable<string> YamlDocuments(string text)
    {
        var current = new StringBuilder();
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var marker = DocumentMarker().Match(line);
            if (marker.Success)
            {
                yield return current.ToString();
                current.Clear();
                // "--- {a: 1}" carries content on the marker line.
                current.Append(marker.Groups["rest"].Value).Append('\n');
                continue;
            }
            current.Append(line).Append('\n');
        }
        yield return current.ToString();
    }

    [GeneratedRegex(@"^(---|\.\.\.)(\s+(?<rest>.*))?$")]
    private static partial Regex DocumentMarker();

    private static string Describe(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();

    private static string OneLine(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).ReplaceLineEndings(" ").Trim();
    }
}
