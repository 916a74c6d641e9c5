using System.Globalization;
using System.Text;

namespace Stash.Restore.Core.GoCompat;

/// <summary>The html, js and urlquery escapers of text/template (HTMLEscapeString, JSEscapeString, url.QueryEscape).</summary>
internal static class GoEscape
{
    public static string Html(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\0' => "\uFFFD",
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    public static string JavaScript(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var r = rune.Value;
            switch (r)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\'': builder.Append("\\'"); break;
                case '"': builder.Append("\\\""); break;
                case '<': builder.Append("\\u003C"); break;
                case '>': builder.Append("\\u003E"); break;
                case '&': builder.Append("\\u0026"); break;
                case '=': builder.Append("\\u003D"); break;
                case < ' ': builder.Append("\\u00").Append(r.ToString("X2", CultureInfo.InvariantCulture)); break;
                case < 0x80: builder.Append((char)r); break;
                default:
                    if (GoFormat.IsPrint(r))
                        builder.Append(rune.ToString());
                    else
                        builder.Append("\\u").Append(r.ToString("X4", CultureInfo.InvariantCulture));
                    break;
            }
        }
        return builder.ToString();
    }

    /// <summary>url.QueryEscape: unreserved characters kept, space as '+', every other byte %XX.</summary>
    public static string QueryEscape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
                builder.Append(c);
            else if (c == ' ')
                builder.Append('+');
            else
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
