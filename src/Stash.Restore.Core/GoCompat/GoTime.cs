using System.Globalization;
using System.Text;

namespace Stash.Restore.Core.GoCompat;

/// <summary>Go's time.Time.Format layouts (reference time <c>Mon Jan 2 15:04:05 MST 2006</c>) and String().</summary>
internal static class GoTime
{
    private static readonly string[] Chunks =
    [
        "January", "Jan", "Monday", "Mon", "MST", "2006", "01", "02", "_2", "002", "06", "15", "03", "04", "05",
        "1", "2", "3", "4", "5", "PM", "pm", "Z07:00:00", "-07:00:00", "Z070000", "-070000", "Z07:00", "-07:00",
        "Z0700", "-0700", "Z07", "-07",
    ];

    /// <summary>time.Time.String(): <c>2006-01-02 15:04:05.999999999 -0700 MST</c>.</summary>
    public static string ToGoString(DateTimeOffset time) => Format(time, "2006-01-02 15:04:05.999999999 -0700 MST");

    /// <summary>Formats <paramref name="time"/> with a Go layout.</summary>
    public static string Format(DateTimeOffset time, string layout)
    {
        var builder = new StringBuilder();
        var i = 0;
        while (i < layout.Length)
        {
            if (Fraction(layout, i) is { Length: > 0 } fraction)
            {
                AppendFraction(builder, time, fraction);
                i += fraction.Length;
                continue;
            }
            var chunk = Chunks.FirstOrDefault(c => string.CompareOrdinal(layout, i, c, 0, c.Length) == 0 && i + c.Length <= layout.Length);
            // "Jan" only counts when not the start of a longer word ("January" is listed first).
            if (chunk is null)
            {
                builder.Append(layout[i++]);
                continue;
            }
            if (chunk is "Mon" && i + 3 < layout.Length && char.IsAsciiLetterLower(layout[i + 3]))
            {
                builder.Append(layout[i++]);
                continue;
            }
            AppendChunk(builder, time, chunk);
            i += chunk.Length;
        }
        return builder.ToString();
    }

    // ".000" / ".999" (or with ','): fractional seconds, only when not followed by another digit.
    private static string? Fraction(string layout, int i)
    {
        if (layout[i] is not ('.' or ',') || i + 1 >= layout.Length || layout[i + 1] is not ('0' or '9'))
            return null;
        var digit = layout[i + 1];
        var j = i + 1;
        while (j < layout.Length && layout[j] == digit)
            j++;
        if (j < layout.Length && char.IsAsciiDigit(layout[j]))
            return null;
        return layout[i..j];
    }

    private static void AppendFraction(StringBuilder builder, DateTimeOffset time, string fraction)
    {
        var nanos = (time.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture);
        var digits = nanos[..Math.Min(9, fraction.Length - 1)];
        if (fraction[1] == '9')
        {
            digits = digits.TrimEnd('0');
            if (digits.Length == 0)
                return;
        }
        builder.Append(fraction[0]).Append(digits);
    }

    private static void AppendChunk(StringBuilder builder, DateTimeOffset time, string chunk)
    {
        var invariant = CultureInfo.InvariantCulture;
        var offset = time.Offset;
        switch (chunk)
        {
            case "January": builder.Append(time.ToString("MMMM", invariant)); break;
            case "Jan": builder.Append(time.ToString("MMM", invariant)); break;
            case "Monday": builder.Append(time.DayOfWeek.ToString()); break;
            case "Mon": builder.Append(time.DayOfWeek.ToString()[..3]); break;
            case "MST": builder.Append(ZoneName(offset)); break;
            case "2006": builder.Append(time.Year.ToString("D4", invariant)); break;
            case "06": builder.Append((time.Year % 100).ToString("D2", invariant)); break;
            case "01": builder.Append(time.Month.ToString("D2", invariant)); break;
            case "1": builder.Append(time.Month.ToString(invariant)); break;
            case "02": builder.Append(time.Day.ToString("D2", invariant)); break;
            case "_2": builder.Append(time.Day.ToString(invariant).PadLeft(2)); break;
            case "2": builder.Append(time.Day.ToString(invariant)); break;
            case "002": builder.Append(time.DayOfYear.ToString("D3", invariant)); break;
            case "15": builder.Append(time.Hour.ToString("D2", invariant)); break;
            case "03": builder.Append(Hour12(time).ToString("D2", invariant)); break;
            case "3": builder.Append(Hour12(time).ToString(invariant)); break;
            case "04": builder.Append(time.Minute.ToString("D2", invariant)); break;
            case "4": builder.Append(time.Minute.ToString(invariant)); break;
            case "05": builder.Append(time.Second.ToString("D2", invariant)); break;
            case "5": builder.Append(time.Second.ToString(invariant)); break;
            case "PM": builder.Append(time.Hour >= 12 ? "PM" : "AM"); break;
            case "pm": builder.Append(time.Hour >= 12 ? "pm" : "am"); break;
            default: AppendOffset(builder, offset, chunk); break;
        }
    }

    private static int Hour12(DateTimeOffset time) => time.Hour % 12 == 0 ? 12 : time.Hour % 12;

    // Go prints a zone's abbreviation; without one (a fixed offset) it prints "+0300"-style or "UTC".
    private static string ZoneName(TimeSpan offset)
    {
        if (offset == TimeSpan.Zero)
            return "UTC";
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return abs.Minutes == 0 ? $"{sign}{abs.Hours:D2}" : $"{sign}{abs.Hours:D2}{abs.Minutes:D2}";
    }

    private static void AppendOffset(StringBuilder builder, TimeSpan offset, string chunk)
    {
        if (chunk[0] == 'Z' && offset == TimeSpan.Zero)
        {
            builder.Append('Z');
            return;
        }
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        builder.Append(sign).Append(abs.Hours.ToString("D2", CultureInfo.InvariantCulture));
        var rest = chunk.TrimStart('Z', '-')[2..];
        if (rest.Length == 0)
            return;
        var colon = rest.StartsWith(':');
        if (colon)
            builder.Append(':');
        builder.Append(abs.Minutes.ToString("D2", CultureInfo.InvariantCulture));
        if (rest.Length > 3 || (!colon && rest.Length > 2))
        {
            if (colon)
                builder.Append(':');
            builder.Append(abs.Seconds.ToString("D2", CultureInfo.InvariantCulture));
        }
    }
}
