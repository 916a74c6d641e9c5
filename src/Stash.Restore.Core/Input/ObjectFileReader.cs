using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Stash.Restore.Core.Input;

/// <summary>
/// Reads a Kubernetes object from YAML or JSON into a typed model, reporting every problem in the
/// manifest's terms: syntax at <c>file:line:column</c>, then the object's type, then each misfit field.
/// </summary>
internal static class ObjectFileReader
{
    /// <summary>Reads and loads a file; a file that cannot be read is a missing dependency.</summary>
    public static string ReadText(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"{what} file '{path}': {e.Message}", e);
        }
    }

    public static T Read<T>(string path, JsonTypeInfo<T> typeInfo, string what) where T : class =>
        Require(Load(ReadText(path, what), typeInfo), $"{what} file '{path}'", path);

    public static T Parse<T>(string text, JsonTypeInfo<T> typeInfo, string source) where T : class =>
        Require(Load(text, typeInfo), source, file: null);

    /// <summary>
    /// Parses <paramref name="text"/>, checks the object's type when <paramref name="expected"/> is given
    /// (first: a different kind of object is one problem, not many type errors), then its shape against
    /// the model, and deserialises what fits.
    /// </summary>
    public static ObjectLoad<T> Load<T>(string text, JsonTypeInfo<T> typeInfo, ExpectedObjectType? expected = null) where T : class
    {
        var (document, syntaxError) = ObjectDocument.Parse(text);
        if (document is null)
            return new ObjectLoad<T>(null, [syntaxError!], null);
        if (document.Root is null)
            return new ObjectLoad<T>(null, [new ManifestProblem(null, "empty document")], document);
        if (document.Root is not JsonObject root)
            return new ObjectLoad<T>(null, [new ManifestProblem(null, "expected a single object")], document);
        if (expected is not null && ObjectTypeCheck.Check(root, expected) is { } wrongType)
            return new ObjectLoad<T>(null, [wrongType], document);

        var problems = ManifestProblem.InFileOrder(ShapeChecker.CheckAndPrune(root, typeInfo)
            .Select(p => p with { Position = document.PositionOf(p.Path) }));
        T? value;
        try
        {
            value = root.Deserialize(typeInfo);
        }
        catch (JsonException) when (problems.Count > 0)
        {
            // What is left after pruning still does not fit: the problems already say why.
            value = null;
        }
        catch (JsonException e)
        {
            // The shape check should have caught it; say where System.Text.Json stopped, never its .NET type names.
            var where = string.IsNullOrEmpty(e.Path) ? null : e.Path.TrimStart('$', '.');
            problems.Add(new ManifestProblem(where, "has the wrong type", document.PositionOf(where)));
            value = null;
        }
        return new ObjectLoad<T>(value, problems, document);
    }

    /// <summary>The value, or an <see cref="InvalidInputException"/> listing every problem on one line.</summary>
    public static T Require<T>(ObjectLoad<T> load, string source, string? file) where T : class
    {
        if (load.Problems.Count > 0)
            throw new InvalidInputException($"{source} is invalid: {ManifestProblem.Join(load.Problems, file)}");
        return load.Value ?? throw new InvalidInputException($"{source} is invalid: empty document");
    }
}
