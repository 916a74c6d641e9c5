namespace Stash.Restore.Core.GoCompat;

// Go values as the interpreter holds them: null (nil, or Go's "no value"), string, long (Go int),
// double (float64), bool, DateTimeOffset (time.Time), List<object?> ([]interface{}), TemplateMap
// (map[string]interface{} or map[string]string) and TemplateStruct (the hook data and its parts).

/// <summary>A Go struct value: named fields in declaration order. Reading a field it lacks is an error.</summary>
internal sealed class TemplateStruct(string typeName, IReadOnlyList<KeyValuePair<string, object?>> fields)
{
    /// <summary>Go's type name, e.g. <c>hooks.Data</c>, for error messages.</summary>
    public string TypeName { get; } = typeName;

    public IReadOnlyList<KeyValuePair<string, object?>> Fields { get; } = fields;

    public bool TryGet(string name, out object? value)
    {
        foreach (var field in Fields)
        {
            if (field.Key == name)
            {
                value = field.Value;
                return true;
            }
        }
        value = null;
        return false;
    }
}

/// <summary>A Go map with string keys; Go prints, ranges and encodes it in key order.</summary>
internal sealed class TemplateMap(bool stringValued)
{
    /// <summary>True for <c>map[string]string</c> (what sprig's split returns), false for <c>map[string]interface{}</c>.</summary>
    public bool StringValued { get; } = stringValued;

    public Dictionary<string, object?> Entries { get; } = new(StringComparer.Ordinal);

    public IEnumerable<KeyValuePair<string, object?>> Sorted() =>
        Entries.OrderBy(e => e.Key, StringComparer.Ordinal);

    public string TypeName => StringValued ? "map[string]string" : "map[string]interface {}";
}

/// <summary>Go's reading of values: truth, type names, kinds.</summary>
internal static class GoValue
{
    /// <summary>text/template's isTrue: false, 0, "", empty map/slice and nil are false; structs are true.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        TemplateMap map => map.Entries.Count > 0,
        _ => true,
    };

    public static string TypeName(object? value) => value switch
    {
        null => "<nil>",
        string => "string",
        long => "int",
        double => "float64",
        bool => "bool",
        DateTimeOffset => "time.Time",
        List<object?> => "[]interface {}",
        TemplateMap map => map.TypeName,
        TemplateStruct s => s.TypeName,
        _ => value.GetType().Name,
    };
}
