using System.Globalization;

namespace Stash.Restore.Core.Hooks.Templates;

/// <summary>Go's number syntax (strconv.ParseInt base 0, ParseFloat) and float formatting (strconv 'g'/'f'/'e' shortest).</summary>
internal static class GoNumber
{
    /// <summary>strconv.ParseInt(text, 0, 64): sign, 0x/0o/0b or leading-0 octal prefixes, underscores between digits.</summary>
    public static bool TryParseInt(string text, out long value)
    {
        value = 0;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        var radix = 10;
        var prefixed = false;
        if (s.Length > 1 && s[0] == '0')
        {
            switch (char.ToLowerInvariant(s[1]))
            {
                case 'x': radix = 16; s = s[2..]; prefixed = true; break;
                case 'o': radix = 8; s = s[2..]; prefixed = true; break;
                case 'b': radix = 2; s = s[2..]; prefixed = true; break;
                default: radix = 8; s = s[1..]; prefixed = true; break;
            }
        }
        if (s.Length == 0 || !UnderscoresOk(text))
            return false;
        ulong magnitude = 0;
        var sawDigit = false;
        foreach (var c in s)
        {
            if (c == '_' && prefixed)
                continue;
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
                return false;
            sawDigit = true;
            if (magnitude > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
                return false;
            magnitude = magnitude * (ulong)radix + (ulong)digit;
        }
        if (!sawDigit)
            return false;
        if (negative)
        {
            if (magnitude > 9223372036854775808UL)
                return false;
            value = magnitude == 9223372036854775808UL ? long.MinValue : -(long)magnitude;
            return true;
        }
        if (magnitude > long.MaxValue)
            return false;
        value = (long)magnitude;
        return true;
    }

    /// <summary>strconv.ParseFloat(text, 64) for decimal notation (hex floats are not read).</summary>
    public static bool TryParseFloat(string text, out double value)
    {
        value = 0;
        var lower = text.ToLowerInvariant();
        var body = lower.TrimStart('+', '-');
        if (body.StartsWith("0x", StringComparison.Ordinal) || body.StartsWith("0b", StringComparison.Ordinal)
            || body.StartsWith("0o", StringComparison.Ordinal))
            return false;
        if (!UnderscoresOk(text))
            return false;
        var plain = text.Replace("_", "", StringComparison.Ordinal);
        if (plain.Length == 0 || plain.Any(c => !(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')))
            return false;
        return double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    // Go's underscoreOK: "_" only between digits or after a base prefix.
    private static bool UnderscoresOk(string text)
    {
        if (!text.Contains('_', StringComparison.Ordinal))
            return true;
        var s = text.TrimStart('+', '-');
        var hex = false;
        var i = 0;
        // "0x_1" is fine: the prefix counts as a digit for this rule.
        var saw = '^';
        if (s.Length >= 2 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'x' or 'b' or 'o')
        {
            hex = char.ToLowerInvariant(s[1]) == 'x';
            i = 2;
            saw = '0';
        }
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c) || (hex && char.IsAsciiHexDigit(c)))
            {
                saw = '0';
                continue;
            }
            if (c == '_')
            {
                if (saw != '0')
                    return false;
                saw = '_';
                continue;
            }
            if (saw == '_')
                return false;
            saw = '!';
        }
        return saw != '_';
    }

    /// <summary>strconv.FormatFloat(v, 'g', -1, 64), which fmt's %v uses.</summary>
    public static string FormatG(double value)
    {
        if (SpecialFloat(value) is { } special)
            return special;
        var (negative, digits, dp) = Shortest(value);
        var exp = dp - 1;
        // Shortest 'g' uses precision 6 to choose %e, then prints every digit it has.
        if (digits != "0" && (exp < -4 || exp >= 6))
            return (negative ? "-" : "") + FormatE(digits, dp);
        return (negative ? "-" : "") + FormatF(digits, dp);
    }

    /// <summary>The float form of Go's encoding/json: 'f' unless very small or large, then 'e' with e-9 not e-09.</summary>
    public static string FormatJson(double value)
    {
        var abs = Math.Abs(value);
        var (negative, digits, dp) = Shortest(value);
        string text;
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            text = FormatE(digits, dp);
            var n = text.Length;
            if (n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0')
                text = text.Remove(n - 2, 1);
        }
        else
        {
            text = FormatF(digits, dp);
        }
        return (negative ? "-" : "") + text;
    }

    /// <summary>%f with a precision (fmt's default is 6).</summary>
    public static string FormatFixed(double value, int precision) =>
        SpecialFloat(value) ?? value.ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string? SpecialFloat(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : null;

    // Shortest round-trip decimal digits and the decimal point position (value = 0.digits × 10^dp).
    private static (bool Negative, string Digits, int Dp) Shortest(double value)
    {
        var negative = value < 0 || (value == 0 && double.IsNegative(value));
        // "R" gives the shortest round-trip digits; parse them out of its scientific or plain form.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        var mantissa = shortest;
        if (e >= 0)
        {
            exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = shortest[..e];
        }
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = point >= 0 ? mantissa[..point] : mantissa;
        var fracPart = point >= 0 ? mantissa[(point + 1)..] : "";
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        var dp = intPart.Length - leadingZeros + exponent;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
            return (negative, "0", 1);
        return (negative, digits, dp);
    }

    private static string FormatE(string digits, int dp)
    {
        var exp = digits == "0" ? 0 : dp - 1;
        var mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
        var sign = exp < 0 ? '-' : '+';
        var magnitude = Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
        return $"{mantissa}e{sign}{(magnitude.Length < 2 ? "0" + magnitude : magnitude)}";
    }

    private static string FormatF(string digits, int dp)
    {
        if (digits == "0")
            return "0";
        if (dp <= 0)
            return "0." + new string('0', -dp) + digits;
        if (dp >= digits.Length)
            return digits + new string('0', dp - digits.Length);
        return digits[..dp] + "." + digits[dp..];
    }
}
