using System.Globalization;

namespace Stash.Restore.Core.Hooks;

/// <summary>Go's <c>time.Duration.String()</c> (<c>300ms</c>, <c>5m0s</c>, <c>1h0m0s</c>), the form Stash users read everywhere.</summary>
internal static class HookDurationFormat
{
    public static string Format(TimeSpan duration)
    {
        var nanoseconds = duration.Ticks * 100;
        if (nanoseconds == 0)
            return "0s";
        var sign = nanoseconds < 0 ? "-" : "";
        var value = (ulong)Math.Abs(nanoseconds);
        if (value < 1_000)
            return $"{sign}{value}ns";
        if (value < 1_000_000)
            return sign + Fraction(value, 1_000) + "µs";
        if (value < 1_000_000_000)
            return sign + Fraction(value, 1_000_000) + "ms";

        var hours = value / 3_600_000_000_000;
        var minutes = value / 60_000_000_000 % 60;
        var seconds = Fraction(value % 60_000_000_000, 1_000_000_000) + "s";
        if (hours > 0)
            return $"{sign}{hours}h{minutes}m{seconds}";
        return minutes > 0 ? $"{sign}{minutes}m{seconds}" : sign + seconds;
    }

    private static string Fraction(ulong value, ulong unit)
    {
        var whole = (value / unit).ToString(CultureInfo.InvariantCulture);
        var rest = value % unit;
        if (rest == 0)
            return whole;
        var digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }
}
