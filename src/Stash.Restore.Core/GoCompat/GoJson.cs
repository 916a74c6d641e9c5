using System.Globalization;
using System.Text;

namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// Go's encoding/json Marshal/MarshalIndent for template values: sorted map keys, struct fields in order,
/// HTML-safe escaping of &lt; &gt; &amp; and U+2028/U+2029, Go's float form, time as RFC 3339 with nanoseconds.
/// </summary>
internal static class GoJson
{
    public static string Marshal(object? value, bool indent)
    {
        var builder = new StringBuilder();
        Write(builder, value, indent ? "" : null);
        return builder.ToString();
    }

    // indent is null for compact output, else the current indentation.
    private static void Write(StringBuilder builder, object? value, string? indent)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case string s:
                WriteString(builder, s);
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case long l:
                builder.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(GoNumber.FormatJson(d));
                break;
            case DateTimeOffset t:
                WriteString(builder, GoTime.Format(t, "2006-01-02T15:04:05.999999999Z07:00"));
                break;
            case List<object?> list:
                WriteList(builder, list.Count, indent, (i, inner) => Write(builder, list[i], inner), '[', ']');
                break;
            case TemplateMap map:
                var entries = map.Sorted().ToList();
                WriteList(builder, entries.Count, indent, (i, inner) => Member(builder, entries[i].Key, entries[i].Value, inner), '{', '}');
                break;
            case TemplateStruct structure:
                WriteList(builder, structure.Fields.Count, indent,
                    (i, inner) => Member(builder, structure.Fields[i].Key, structure.Fields[i].Value, inner), '{', '}');
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void Member(StringBuilder builder, string key, object? value, string? indent)
    {
        WriteString(builder, key);
        builder.Append(indent is null ? ":" : ": ");
        Write(builder, value, indent);
    }

    private static void WriteList(StringBuilder builder, int count, string? indent, Action<int, string?> item, char open, char close)
    {
        builder.Append(open);
        if (count == 0)
        {
            builder.Append(close);
            return;
        }
        var inner = indent is null ? null : indent + "  ";
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
                builder.Append(',');
            if (inner is not null)
                builder.Append('\n').Append(inner);
            item(i, inner);
        }
        if (indent is not null)
            builder.Append('\n').Append(indent);
        builder.Append(close);
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
        builder.Append('"');
    }
}
