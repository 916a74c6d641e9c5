using System.Globalization;
using System.Text;

namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// Go's fmt for the values templates hold: %v printing, Sprint/Sprintln, Sprintf with the verbs
/// hooks use (<c>%s %d %v %q %t %x %f %c %%</c>, flags, width and precision), and strconv's quoting.
/// </summary>
internal static class GoFormat
{
    /// <summary>fmt.Sprint: a space between operands when neither is a string.</summary>
    public static string Sprint(IReadOnlyList<object?> args)
    {
        var builder = new StringBuilder();
        var previousString = false;
        for (var i = 0; i < args.Count; i++)
        {
            var isString = args[i] is string;
            if (i > 0 && !isString && !previousString)
                builder.Append(' ');
            builder.Append(Value(args[i]));
            previousString = isString;
        }
        return builder.ToString();
    }

    /// <summary>fmt.Sprintln: spaces between all operands and a final newline.</summary>
    public static string Sprintln(IReadOnlyList<object?> args) => string.Join(" ", args.Select(Value)) + "\n";

    /// <summary>The %v form of a value.</summary>
    public static string Value(object? value)
    {
        var builder = new StringBuilder();
        Append(builder, value, 'v', default);
        return builder.ToString();
    }

    /// <summary>fmt.Sprintf, including Go's <c>%!d(string=x)</c>, <c>%!s(MISSING)</c> and <c>%!(EXTRA …)</c> forms.</summary>
    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var builder = new StringBuilder();
        var argIndex = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%')
            {
                builder.Append(c);
                i++;
                continue;
            }
            i++;
            var spec = default(Spec);
            for (; i < format.Length; i++)
            {
                switch (format[i])
                {
                    case '-': spec.Minus = true; spec.Zero = false; continue;
                    case '+': spec.Plus = true; continue;
                    case '#': spec.Sharp = true; continue;
                    case ' ': spec.Space = true; continue;
                    case '0': spec.Zero = !spec.Minus; continue;
                }
                break;
            }
            spec.Width = ReadNumber(format, ref i);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                spec.Precision = ReadNumber(format, ref i) ?? 0;
            }
            if (i >= format.Length)
            {
                builder.Append("%!(NOVERB)");
                break;
            }
            var verb = format[i++];
            if (verb == '%')
            {
                builder.Append('%');
                continue;
            }
            if (argIndex >= args.Count)
            {
                builder.Append("%!").Append(verb).Append("(MISSING)");
                continue;
            }
            Append(builder, args[argIndex++], verb, spec);
        }
        if (argIndex < args.Count)
        {
            builder.Append("%!(EXTRA ");
            for (var a = argIndex; a < args.Count; a++)
            {
                if (a > argIndex)
                    builder.Append(", ");
                if (args[a] is null)
                    builder.Append("<nil>");
                else
                    builder.Append(GoValue.TypeName(args[a])).Append('=').Append(Value(args[a]));
            }
            builder.Append(')');
        }
        return builder.ToString();
    }

    private static int? ReadNumber(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
            i++;
        return i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    private struct Spec
    {
        public bool Minus;
        public bool Plus;
        public bool Sharp;
        public bool Space;
        public bool Zero;
        public int? Width;
        public int? Precision;
    }

    private static void Append(StringBuilder builder, object? value, char verb, Spec spec)
    {
        switch (value)
        {
            case null:
                if (verb == 'v')
                    Pad(builder, "<nil>", spec, numeric: false);
                else
                    builder.Append("%!").Append(verb).Append("(<nil>)");
                return;
            case string s:
                switch (verb)
                {
                    case 'v' or 's':
                        Pad(builder, spec.Precision is { } p ? Runes(s, p) : s, spec, numeric: false);
                        return;
                    case 'q':
                        Pad(builder, spec.Sharp && !s.Contains('`', StringComparison.Ordinal) ? $"`{s}`" : Quote(s), spec, numeric: false);
                        return;
                    case 'x' or 'X':
                        var hex = Convert.ToHexString(Encoding.UTF8.GetBytes(s));
                        Pad(builder, verb == 'x' ? hex.ToLowerInvariant() : hex, spec, numeric: false);
                        return;
                }
                break;
            case bool b:
                if (verb is 'v' or 't')
                {
                    Pad(builder, b ? "true" : "false", spec, numeric: false);
                    return;
                }
                break;
            case long l:
                switch (verb)
                {
                    case 'v' or 'd':
                        Integer(builder, l, 10, spec, lower: true);
                        return;
                    case 'x' or 'X':
                        Integer(builder, l, 16, spec, lower: verb == 'x');
                        return;
                    case 'o':
                        Integer(builder, l, 8, spec, lower: true);
                        return;
                    case 'b':
                        Integer(builder, l, 2, spec, lower: true);
                        return;
                    case 'c':
                        Pad(builder, RuneString(l), spec, numeric: false);
                        return;
                    case 'q':
                        Pad(builder, QuoteRune(l), spec, numeric: false);
                        return;
                }
                break;
            case double d:
                switch (verb)
                {
                    case 'v' or 'g' or 'G':
                        Signed(builder, Upper(spec.Precision is { } digits ? GoNumber.FormatGeneral(d, digits) : GoNumber.FormatG(d), verb == 'G'), spec);
                        return;
                    case 'e' or 'E':
                        Signed(builder, Upper(GoNumber.FormatExponent(d, spec.Precision ?? 6), verb == 'E'), spec);
                        return;
                    case 'f' or 'F':
                        Signed(builder, GoNumber.FormatFixed(d, spec.Precision ?? 6), spec);
                        return;
                }
                break;
            case DateTimeOffset t:
                if (verb is 'v' or 's')
                {
                    Pad(builder, GoTime.ToGoString(t), spec, numeric: false);
                    return;
                }
                break;
            case List<object?> list:
                builder.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                        builder.Append(' ');
                    Append(builder, list[i], verb, spec);
                }
                builder.Append(']');
                return;
            case TemplateMap map:
                builder.Append("map[");
                var first = true;
                foreach (var (key, item) in map.Sorted())
                {
                    if (!first)
                        builder.Append(' ');
                    first = false;
                    Append(builder, key, verb, spec);
                    builder.Append(':');
                    Append(builder, item, verb, spec);
                }
                builder.Append(']');
                return;
            case TemplateStruct structure:
                builder.Append('{');
                for (var i = 0; i < structure.Fields.Count; i++)
                {
                    if (i > 0)
                        builder.Append(' ');
                    if (spec.Plus && verb == 'v')
                        builder.Append(structure.Fields[i].Key).Append(':');
                    Append(builder, structure.Fields[i].Value, verb, spec);
                }
                builder.Append('}');
                return;
        }
        // A verb that does not fit the operand: Go prints %!verb(type=value).
        builder.Append("%!").Append(verb).Append('(').Append(GoValue.TypeName(value)).Append('=');
        Append(builder, value, 'v', default);
        builder.Append(')');
    }

    private static void Integer(StringBuilder builder, long value, int radix, Spec spec, bool lower)
    {
        var magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        var digits = radix == 10 ? magnitude.ToString(CultureInfo.InvariantCulture) : ToRadix(magnitude, radix, lower);
        if (spec.Precision is { } precision && digits.Length < precision)
            digits = new string('0', precision - digits.Length) + digits;
        if (spec.Sharp)
        {
            digits = radix switch { 16 => (lower ? "0x" : "0X") + digits, 8 => "0" + digits, 2 => "0b" + digits, _ => digits };
        }
        var sign = value < 0 ? "-" : spec.Plus ? "+" : spec.Space ? " " : "";
        PadNumber(builder, sign, digits, spec with { Zero = spec.Zero && spec.Precision is null });
    }

    private static string ToRadix(ulong value, int radix, bool lower)
    {
        if (value == 0)
            return "0";
        var chars = new StringBuilder();
        var alphabet = lower ? "0123456789abcdef" : "0123456789ABCDEF";
        while (value > 0)
        {
            chars.Insert(0, alphabet[(int)(value % (ulong)radix)]);
            value /= (ulong)radix;
        }
        return chars.ToString();
    }

    /// <summary>%E and %G: the exponent's <c>e</c> in upper case (<c>+Inf</c> and <c>NaN</c> stay as they are).</summary>
    private static string Upper(string number, bool upper) => upper ? number.Replace('e', 'E') : number;

    private static void Signed(StringBuilder builder, string text, Spec spec)
    {
        var sign = "";
        if (text.StartsWith('-'))
        {
            sign = "-";
            text = text[1..];
        }
        else if (text.StartsWith('+'))
        {
            sign = "+";
            text = text[1..];
        }
        else if (spec.Plus)
        {
            sign = "+";
        }
        else if (spec.Space)
        {
            sign = " ";
        }
        PadNumber(builder, sign, text, spec);
    }

    private static void PadNumber(StringBuilder builder, string sign, string digits, Spec spec)
    {
        var width = spec.Width ?? 0;
        var length = sign.Length + digits.Length;
        if (length >= width)
        {
            builder.Append(sign).Append(digits);
        }
        else if (spec.Minus)
        {
            builder.Append(sign).Append(digits).Append(' ', width - length);
        }
        else if (spec.Zero)
        {
            builder.Append(sign).Append('0', width - length).Append(digits);
        }
        else
        {
            builder.Append(' ', width - length).Append(sign).Append(digits);
        }
    }

    private static void Pad(StringBuilder builder, string text, Spec spec, bool numeric)
    {
        _ = numeric;
        var width = spec.Width ?? 0;
        var length = RuneCount(text);
        if (length >= width)
            builder.Append(text);
        else if (spec.Minus)
            builder.Append(text).Append(' ', width - length);
        else
            builder.Append(spec.Zero ? '0' : ' ', width - length).Append(text);
    }

    private static int RuneCount(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
            count++;
        return count;
    }

    private static string Runes(string text, int count)
    {
        var builder = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (count-- <= 0)
                break;
            builder.Append(rune.ToString());
        }
        return builder.ToString();
    }

    private static string RuneString(long value) =>
        value is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF) ? char.ConvertFromUtf32((int)value) : "\uFFFD";

    /// <summary>strconv.Quote: a double-quoted Go string literal.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
            AppendEscaped(builder, rune.Value, '"');
        return builder.Append('"').ToString();
    }

    /// <summary>strconv.QuoteRune: a single-quoted Go character literal.</summary>
    public static string QuoteRune(long value)
    {
        var r = value is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF) ? (int)value : 0xFFFD;
        var builder = new StringBuilder("'");
        AppendEscaped(builder, r, '\'');
        return builder.Append('\'').ToString();
    }

    private static void AppendEscaped(StringBuilder builder, int r, char quote)
    {
        if (r == quote || r == '\\')
        {
            builder.Append('\\').Append((char)r);
            return;
        }
        if (IsPrint(r))
        {
            builder.Append(char.ConvertFromUtf32(r));
            return;
        }
        switch (r)
        {
            case '\a': builder.Append("\\a"); return;
            case '\b': builder.Append("\\b"); return;
            case '\f': builder.Append("\\f"); return;
            case '\n': builder.Append("\\n"); return;
            case '\r': builder.Append("\\r"); return;
            case '\t': builder.Append("\\t"); return;
            case '\v': builder.Append("\\v"); return;
        }
        if (r < ' ' || r == 0x7f)
            builder.Append("\\x").Append(r.ToString("x2", CultureInfo.InvariantCulture));
        else if (r < 0x10000)
            builder.Append("\\u").Append(r.ToString("x4", CultureInfo.InvariantCulture));
        else
            builder.Append("\\U").Append(r.ToString("x8", CultureInfo.InvariantCulture));
    }

    /// <summary>unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    public static bool IsPrint(int r)
    {
        if (r == ' ')
            return true;
        if (r is >= 0xD800 and <= 0xDFFF or > 0x10FFFF)
            return false;
        var category = CharUnicodeInfo.GetUnicodeCategory(r);
        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }

    /// <summary>fmt's %#U: <c>U+0023 '#'</c>.</summary>
    public static string RuneName(char r) =>
        IsPrint(r) ? $"U+{(int)r:X4} '{r}'" : $"U+{(int)r:X4}";

    /// <summary>strconv.Unquote for "…" and `…` literals; null when the literal is malformed.</summary>
    public static string? Unquote(string literal)
    {
        if (literal.Length < 2)
            return null;
        if (literal[0] == '`')
        {
            if (literal[^1] != '`')
                return null;
            // Go drops carriage returns from raw strings.
            return literal[1..^1].Replace("\r", "", StringComparison.Ordinal);
        }
        if (literal[0] != '"' || literal[^1] != '"')
            return null;
        var builder = new StringBuilder();
        var body = literal[1..^1];
        var i = 0;
        while (i < body.Length)
        {
            if (body[i] == '"')
                return null;
            if (body[i] != '\\')
            {
                builder.Append(body[i++]);
                continue;
            }
            if (ReadEscape(body, ref i, '"') is not { } value)
                return null;
            builder.Append(value);
        }
        return builder.ToString();
    }

    /// <summary>The value of a '…' character constant, or null when malformed.</summary>
    public static long? UnquoteChar(string literal)
    {
        if (literal.Length < 3 || literal[0] != '\'' || literal[^1] != '\'')
            return null;
        var body = literal[1..^1];
        var i = 0;
        string? text;
        if (body[0] == '\\')
        {
            text = ReadEscape(body, ref i, '\'');
        }
        else
        {
            var rune = Rune.GetRuneAt(body, 0);
            text = rune.ToString();
            i = rune.Utf16SequenceLength;
        }
        if (text is null || i != body.Length || text.Length == 0)
            return null;
        return char.ConvertToUtf32(text, 0);
    }

    private static string? ReadEscape(string body, ref int i, char quote)
    {
        i++;
        if (i >= body.Length)
            return null;
        var c = body[i++];
        switch (c)
        {
            case 'a': return "\a";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'v': return "\v";
            case '\\': return "\\";
            case '\'' or '"': return c == quote ? c.ToString() : null;
            case 'x': return Hex(body, ref i, 2);
            case 'u': return Hex(body, ref i, 4);
            case 'U': return Hex(body, ref i, 8);
            case >= '0' and <= '7':
                if (i + 2 > body.Length)
                    return null;
                var octal = body.Substring(i - 1, 3);
                if (octal.Any(o => o is < '0' or > '7'))
                    return null;
                i += 2;
                var value = Convert.ToInt32(octal, 8);
                return value > 255 ? null : ((char)value).ToString();
            default:
                return null;
        }
    }

    private static string? Hex(string body, ref int i, int length)
    {
        if (i + length > body.Length || !int.TryParse(body.AsSpan(i, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            return null;
        i += length;
        if (value is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF))
            return null;
        return char.ConvertFromUtf32(value);
    }
}
