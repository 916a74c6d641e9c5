using System.Globalization;
using System.Numerics;
using System.Text;

namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// Go's number syntax (strconv.ParseInt base 0, ParseFloat) and float formatting, digit for digit: the
/// shortest forms of %v and encoding/json, and %e, %f, %g with a precision, rounded from the exact binary
/// value half to even as strconv does (hook templates' printf; KubeStash's progress, <c>%.2f</c> and <c>%.4g</c>).
/// </summary>
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

    /// <summary>fmt's <c>%.{decimals}f</c>: the exact binary value rounded half to even, as strconv does (.NET rounds exact halves away from zero).</summary>
    public static string FormatFixed(double value, int decimals)
    {
        if (SpecialFloat(value) is { } special)
            return special;
        var sign = double.IsNegative(value) ? "-" : "";
        if (value == 0)
            return sign + Fixed("", 0, decimals);
        var exact = Exact(Math.Abs(value));
        var (digits, point) = Round(exact, exact.Point + decimals);
        return sign + Fixed(digits, point, decimals);
    }

    /// <summary>fmt's <c>%.{precision}e</c>: one digit, the point, <paramref name="precision"/> digits, and an exponent of at least two digits.</summary>
    public static string FormatExponent(double value, int precision)
    {
        if (SpecialFloat(value) is { } special)
            return special;
        var sign = double.IsNegative(value) ? "-" : "";
        var (digits, point) = value == 0 ? ("", 1) : Round(Exact(Math.Abs(value)), precision + 1);
        return sign + Scientific(digits, value == 0 ? 0 : point - 1, precision);
    }

    /// <summary>fmt's <c>%.{precision}g</c>: %e for large and small exponents, else %f, without trailing zeros.</summary>
    public static string FormatGeneral(double value, int precision)
    {
        if (SpecialFloat(value) is { } special)
            return special;
        if (precision <= 0)
            precision = 1;
        var sign = double.IsNegative(value) ? "-" : "";
        if (value == 0)
            return sign + "0";
        var (digits, point) = Round(Exact(Math.Abs(value)), precision);
        // strconv: %e when the exponent is below -4 or at least the precision (the digits kept, when fewer).
        var eprec = precision > digits.Length && digits.Length >= point ? digits.Length : precision;
        var exponent = point - 1;
        if (exponent < -4 || exponent >= eprec)
            return sign + Scientific(digits, exponent, Math.Min(precision, digits.Length) - 1);
        var kept = precision > point ? digits.Length : precision;
        return sign + Fixed(digits, point, Math.Max(kept - point, 0));
    }

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

    /// <summary><c>d.ddd…e±XX</c> with <paramref name="decimals"/> digits after the point (zeros when <paramref name="digits"/> has fewer).</summary>
    private static string Scientific(string digits, int exponent, int decimals)
    {
        var text = new StringBuilder().Append(digits.Length > 0 ? digits[0] : '0');
        if (decimals > 0)
        {
            text.Append('.');
            for (var i = 1; i <= decimals; i++)
                text.Append(i < digits.Length ? digits[i] : '0');
        }
        text.Append('e').Append(exponent < 0 ? '-' : '+');
        return text.Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture)).ToString();
    }

    /// <summary>value = 0.Digits × 10^Point exactly (a double is a finite binary fraction), without trailing zeros.</summary>
    private static (string Digits, int Point) Exact(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var rawExponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        if (rawExponent == 0)
            rawExponent = 1; // subnormal
        else
            mantissa |= 1L << 52;
        var exponent = rawExponent - 1075;
        string digits;
        int point;
        if (exponent >= 0)
        {
            digits = (new BigInteger(mantissa) << exponent).ToString(CultureInfo.InvariantCulture);
            point = digits.Length;
        }
        else
        {
            // m / 2^k = m·5^k / 10^k
            digits = (new BigInteger(mantissa) * BigInteger.Pow(5, -exponent)).ToString(CultureInfo.InvariantCulture);
            point = digits.Length + exponent;
        }
        return (digits.TrimEnd('0'), point);
    }

    /// <summary>Keeps <paramref name="keep"/> leading digits, rounding half to even as Go's strconv does.</summary>
    private static (string Digits, int Point) Round((string Digits, int Point) number, int keep)
    {
        var (digits, point) = number;
        if (keep >= digits.Length)
            return number;
        if (keep < 0)
            return ("", point);
        bool up;
        if (digits[keep] == '5' && keep + 1 == digits.Length)
            up = keep > 0 && (digits[keep - 1] - '0') % 2 == 1; // exactly half: to even
        else
            up = digits[keep] >= '5';
        var kept = digits[..keep].ToCharArray();
        if (!up)
            return (new string(kept).TrimEnd('0'), point);
        var i = keep - 1;
        while (i >= 0 && kept[i] == '9')
        {
            kept[i] = '0';
            i--;
        }
        if (i < 0)
            return ("1", point + 1);
        kept[i]++;
        return (new string(kept).TrimEnd('0'), point);
    }

    /// <summary>The digits with the point at <paramref name="point"/> and exactly <paramref name="decimals"/> decimals.</summary>
    private static string Fixed(string digits, int point, int decimals)
    {
        var text = new StringBuilder();
        if (point <= 0)
            text.Append('0');
        else
            for (var i = 0; i < point; i++)
                text.Append(i < digits.Length ? digits[i] : '0');
        if (decimals > 0)
        {
            text.Append('.');
            for (var i = 0; i < decimals; i++)
            {
                var index = point + i;
                text.Append(index >= 0 && index < digits.Length ? digits[index] : '0');
            }
        }
        return text.ToString();
    }
}
