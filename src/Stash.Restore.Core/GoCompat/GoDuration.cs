using System.Globalization;
using System.Text;

namespace Stash.Restore.Core.GoCompat;

/// <summary>Go's <c>time.Duration</c> text form, as Stash writes and reads it (<c>884.431745ms</c>, <c>2m40.5s</c>).</summary>
internal static class GoDuration
{
    private const long NanosPerTick = 100;

    public static string Format(TimeSpan duration)
    {
        var nanos = duration.Ticks * NanosPerTick;
        if (nanos == 0)
            return "0s";
        var negative = nanos < 0;
        var u = (ulong)Math.Abs(nanos);
        var text = new StringBuilder();
        if (u < 1_000_000_000UL)
        {
            // Below one second Go picks the largest unit that keeps a non-zero integer part.
            var (unit, scale) = u switch
            {
                < 1_000UL => ("ns", 1UL),
                < 1_000_000UL => ("µs", 1_000UL),
                _ => ("ms", 1_000_000UL),
            };
            text.Append(Fraction(u, scale)).Append(unit);
        }
        else
        {
            var hours = u / 3_600_000_000_000UL;
            u -= hours * 3_600_000_000_000UL;
            var minutes = u / 60_000_000_000UL;
            u -= minutes * 60_000_000_000UL;
            if (hours > 0)
                text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
            if (hours > 0 || minutes > 0)
                text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
            text.Append(Fraction(u, 1_000_000_000UL)).Append('s');
        }
        return negative ? "-" + text : text.ToString();
    }

    private static string Fraction(ulong value, ulong scale)
    {
        var whole = (value / scale).ToString(CultureInfo.InvariantCulture);
        var rest = value % scale;
        if (rest == 0)
            return whole;
        var digits = scale.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var s = text.Trim();
        var sign = 1.0;
        if (s[0] is '-' or '+')
        {
            sign = s[0] == '-' ? -1 : 1;
            s = s[1..];
        }
        if (s == "0")
            return true;
        double totalNanos = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
                i++;
            if (i == start || !double.TryParse(s[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
                i++;
            double? scale = s[unitStart..i] switch
            {
                "ns" => 1,
                "us" or "µs" or "μs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                "h" => 3600e9,
                _ => null,
            };
            if (scale is null)
                return false;
            totalNanos += number * scale.Value;
        }
        duration = TimeSpan.FromTicks((long)Math.Round(sign * totalNanos / NanosPerTick));
        return true;
    }
}
