using System.Text;

namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// Go's text/template builtins and the sprig (v3) functions hook templates use, with Go's signatures
/// so argument type errors match. Sprig's argument order is kept (<c>trimPrefix PREFIX STRING</c>).
/// </summary>
internal static class TemplateFunctions
{
    private static readonly ParamKind[] None = [];

    /// <summary>Every function by name.</summary>
    public static IReadOnlyDictionary<string, TemplateFunction> All { get; } = Build();

    /// <summary>The names, for the parser's "function not defined" check.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(All.Keys, StringComparer.Ordinal);

    private static Dictionary<string, TemplateFunction> Build()
    {
        var functions = new List<TemplateFunction>
        {
            // Go builtins (text/template/funcs.go). and/or are evaluated lazily by the executor.
            new("and", [ParamKind.Value], ParamKind.Value, (_, a) => a[^1]),
            new("or", [ParamKind.Value], ParamKind.Value, (_, a) => a[^1]),
            new("not", [ParamKind.Value], null, (_, a) => !GoValue.IsTrue(a[0])),
            new("eq", [ParamKind.Value], ParamKind.Value, (_, a) => GoCompare.Eq(a[0], a[1..])),
            new("ne", [ParamKind.Value, ParamKind.Value], null, (_, a) => !GoCompare.Eq(a[0], [a[1]])),
            new("lt", [ParamKind.Value, ParamKind.Value], null, (_, a) => GoCompare.Lt(a[0], a[1])),
            new("le", [ParamKind.Value, ParamKind.Value], null, (_, a) => GoCompare.Lt(a[0], a[1]) || GoCompare.Eq(a[0], [a[1]])),
            new("gt", [ParamKind.Value, ParamKind.Value], null, (_, a) => !(GoCompare.Lt(a[0], a[1]) || GoCompare.Eq(a[0], [a[1]]))),
            new("ge", [ParamKind.Value, ParamKind.Value], null, (_, a) => !GoCompare.Lt(a[0], a[1])),
            new("len", [ParamKind.Value], null, (_, a) => Length(a[0])),
            new("index", [ParamKind.Value], ParamKind.Value, (_, a) => Index(a[0], a[1..])),
            new("print", None, ParamKind.Any, (_, a) => GoFormat.Sprint(a)),
            new("printf", [ParamKind.String], ParamKind.Any, (_, a) => GoFormat.Sprintf((string)a[0]!, a[1..])),
            new("println", None, ParamKind.Any, (_, a) => GoFormat.Sprintln(a)),
            new("html", None, ParamKind.Any, (_, a) => GoEscape.Html(EvalArgs(a))),
            new("js", None, ParamKind.Any, (_, a) => GoEscape.JavaScript(EvalArgs(a))),
            new("urlquery", None, ParamKind.Any, (_, a) => GoEscape.QueryEscape(EvalArgs(a))),

            // sprig
            new("dict", None, ParamKind.Any, (_, a) => Dict(a)),
            new("list", None, ParamKind.Any, (_, a) => a.ToList()),
            new("get", [ParamKind.Map, ParamKind.String], null,
                (_, a) => a[0] is TemplateMap m && m.Entries.TryGetValue((string)a[1]!, out var v) ? v : ""),
            new("hasKey", [ParamKind.Map, ParamKind.String], null,
                (_, a) => a[0] is TemplateMap m && m.Entries.ContainsKey((string)a[1]!)),
            new("default", [ParamKind.Any], ParamKind.Any, (_, a) => a.Length < 2 || Empty(a[1]) ? a[0] : a[1]),
            new("empty", [ParamKind.Any], null, (_, a) => Empty(a[0])),
            new("coalesce", None, ParamKind.Any, (_, a) => a.FirstOrDefault(v => !Empty(v))),
            new("toJson", [ParamKind.Any], null, (_, a) => GoJson.Marshal(a[0], indent: false)),
            new("toPrettyJson", [ParamKind.Any], null, (_, a) => GoJson.Marshal(a[0], indent: true)),
            new("quote", None, ParamKind.Any, (_, a) => string.Join(" ", a.Where(v => v is not null).Select(v => GoFormat.Quote(StrVal(v))))),
            new("squote", None, ParamKind.Any, (_, a) => string.Join(" ", a.Where(v => v is not null).Select(v => $"'{GoFormat.Value(v)}'"))),
            new("upper", [ParamKind.String], null, (_, a) => ((string)a[0]!).ToUpperInvariant()),
            new("lower", [ParamKind.String], null, (_, a) => ((string)a[0]!).ToLowerInvariant()),
            new("title", [ParamKind.String], null, (_, a) => Title((string)a[0]!)),
            new("trim", [ParamKind.String], null, (_, a) => ((string)a[0]!).Trim()),
            new("trimPrefix", [ParamKind.String, ParamKind.String], null, (_, a) => TrimPrefix((string)a[1]!, (string)a[0]!)),
            new("trimSuffix", [ParamKind.String, ParamKind.String], null, (_, a) => TrimSuffix((string)a[1]!, (string)a[0]!)),
            new("replace", [ParamKind.String, ParamKind.String, ParamKind.String], null, (_, a) => Replace((string)a[2]!, (string)a[0]!, (string)a[1]!)),
            new("contains", [ParamKind.String, ParamKind.String], null, (_, a) => ((string)a[1]!).Contains((string)a[0]!, StringComparison.Ordinal)),
            new("hasPrefix", [ParamKind.String, ParamKind.String], null, (_, a) => ((string)a[1]!).StartsWith((string)a[0]!, StringComparison.Ordinal)),
            new("hasSuffix", [ParamKind.String, ParamKind.String], null, (_, a) => ((string)a[1]!).EndsWith((string)a[0]!, StringComparison.Ordinal)),
            new("join", [ParamKind.String, ParamKind.Any], null, (_, a) => string.Join((string)a[0]!, StrSlice(a[1]))),
            new("split", [ParamKind.String, ParamKind.String], null, (_, a) => Split((string)a[0]!, (string)a[1]!)),
            new("indent", [ParamKind.Int, ParamKind.String], null, (_, a) => Indent((long)a[0]!, (string)a[1]!)),
            new("nindent", [ParamKind.Int, ParamKind.String], null, (_, a) => "\n" + Indent((long)a[0]!, (string)a[1]!)),
            new("now", None, null, (c, _) => Now(c)),
            new("date", [ParamKind.String, ParamKind.Any], null, (c, a) => Date(c, (string)a[0]!, a[1])),
            new("toString", [ParamKind.Any], null, (_, a) => StrVal(a[0])),
            new("b64enc", [ParamKind.String], null, (_, a) => Convert.ToBase64String(Encoding.UTF8.GetBytes((string)a[0]!))),
        };
        return functions.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    private static long Length(object? value) => value switch
    {
        string s => Encoding.UTF8.GetByteCount(s),
        List<object?> list => list.Count,
        TemplateMap map => map.Entries.Count,
        null => throw new TemplateFunctionException("len of nil pointer"),
        _ => throw new TemplateFunctionException($"len of type {GoValue.TypeName(value)}"),
    };

    private static object? Index(object? item, object?[] indexes)
    {
        if (item is null)
            throw new TemplateFunctionException("index of untyped nil");
        foreach (var index in indexes)
        {
            switch (item)
            {
                case List<object?> list:
                    var i = index is long l ? l : throw new TemplateFunctionException($"cannot index slice/array with type {GoValue.TypeName(index)}");
                    if (i < 0 || i >= list.Count)
                        throw new TemplateFunctionException($"index out of range: {i}");
                    item = list[(int)i];
                    break;
                case string s:
                    var bytes = Encoding.UTF8.GetBytes(s);
                    var j = index is long k ? k : throw new TemplateFunctionException($"cannot index slice/array with type {GoValue.TypeName(index)}");
                    if (j < 0 || j >= bytes.Length)
                        throw new TemplateFunctionException($"index out of range: {j}");
                    item = (long)bytes[j];
                    break;
                case TemplateMap map:
                    if (index is not string key)
                        throw new TemplateFunctionException(index is null
                            ? "value is nil; should be of type string"
                            : $"value has type {GoValue.TypeName(index)}; should be string");
                    item = map.Entries.TryGetValue(key, out var found) ? found : map.StringValued ? "" : null;
                    break;
                case null:
                    throw new TemplateFunctionException("index of untyped nil");
                default:
                    throw new TemplateFunctionException($"can't index item of type {GoValue.TypeName(item)}");
            }
        }
        return item;
    }

    // text/template's evalArgs: one string argument as is, else fmt.Sprint.
    private static string EvalArgs(object?[] args) => args is [string s] ? s : GoFormat.Sprint(args);

    private static TemplateMap Dict(object?[] args)
    {
        var map = new TemplateMap(stringValued: false);
        for (var i = 0; i < args.Length; i += 2)
            map.Entries[StrVal(args[i])] = i + 1 < args.Length ? args[i + 1] : "";
        return map;
    }

    /// <summary>sprig's empty: nil, false, 0, "" and empty collections are empty; structs never are.</summary>
    public static bool Empty(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        bool b => !b,
        long l => l == 0,
        double d => d == 0,
        List<object?> list => list.Count == 0,
        TemplateMap map => map.Entries.Count == 0,
        _ => false,
    };

    /// <summary>sprig's strval: strings as they are, anything else in its %v form.</summary>
    public static string StrVal(object? value) => value as string ?? GoFormat.Value(value);

    private static List<string> StrSlice(object? value) => value switch
    {
        List<object?> list => list.Where(v => v is not null).Select(StrVal).ToList(),
        null => [],
        _ => [StrVal(value)],
    };

    // strings.Title: upper-case the first letter of each word; words are split at separators.
    private static string Title(string text)
    {
        var builder = new StringBuilder(text.Length);
        var previous = new Rune(' ');
        foreach (var rune in text.EnumerateRunes())
        {
            builder.Append((IsSeparator(previous) ? Rune.ToUpperInvariant(rune) : rune).ToString());
            previous = rune;
        }
        return builder.ToString();
    }

    private static bool IsSeparator(Rune r)
    {
        if (r.Value <= 0x7F)
        {
            var c = (char)r.Value;
            return !(char.IsAsciiLetterOrDigit(c) || c == '_');
        }
        if (Rune.IsLetter(r) || Rune.IsDigit(r))
            return false;
        return Rune.IsWhiteSpace(r);
    }

    private static string TrimPrefix(string s, string prefix) =>
        prefix.Length > 0 && s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;

    private static string TrimSuffix(string s, string suffix) =>
        suffix.Length > 0 && s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;

    // strings.Replace(s, old, new, -1); an empty old inserts new around every rune, as Go does.
    private static string Replace(string s, string oldValue, string newValue)
    {
        if (oldValue.Length > 0)
            return s.Replace(oldValue, newValue, StringComparison.Ordinal);
        var builder = new StringBuilder(newValue);
        foreach (var rune in s.EnumerateRunes())
            builder.Append(rune.ToString()).Append(newValue);
        return builder.ToString();
    }

    // sprig's split: map[string]string with keys _0, _1, …; strings.Split on "" splits into runes.
    private static TemplateMap Split(string separator, string text)
    {
        var parts = separator.Length == 0
            ? text.EnumerateRunes().Select(r => r.ToString()).ToArray()
            : text.Split(separator);
        var map = new TemplateMap(stringValued: true);
        for (var i = 0; i < parts.Length; i++)
            map.Entries["_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = parts[i];
        return map;
    }

    private static string Indent(long spaces, string text)
    {
        if (spaces < 0)
            throw new TemplateFunctionException("strings: negative Repeat count");
        var pad = new string(' ', (int)Math.Min(spaces, 10_000));
        return pad + text.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    private static DateTimeOffset Now(TemplateCallContext context)
    {
        var now = context.Clock.GetUtcNow();
        return TimeZoneInfo.ConvertTime(now, context.Clock.LocalTimeZone);
    }

    // sprig's date: a time, or Unix seconds as an int; anything else formats the current time.
    private static string Date(TemplateCallContext context, string layout, object? value)
    {
        var time = value switch
        {
            DateTimeOffset t => t,
            long seconds => DateTimeOffset.FromUnixTimeSeconds(seconds),
            _ => context.Clock.GetUtcNow(),
        };
        return GoTime.Format(TimeZoneInfo.ConvertTime(time, context.Clock.LocalTimeZone), layout);
    }
}
