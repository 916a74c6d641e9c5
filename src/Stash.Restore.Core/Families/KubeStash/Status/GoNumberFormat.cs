using System.Globalization;
using System.Numerics;
using System.Text;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// Go's <c>fmt</c> <c>%.Ng</c> and <c>%.Nf</c> for doubles, digit for digit: KubeStash writes progress
/// with them (<c>units.HumanSize</c> is <c>%.4g</c>, <c>percentDone</c> is <c>%.2f%%</c>). Go rounds the
/// exact binary value half-to-even; .NET's formatting rounds differently on exact halves (12.125), so
/// the digits are computed here from the exact decimal expansion.
/// </summary>
internal static class GoNumberFormat
{
    /// <summary>Go's <c>fmt.Sprintf("%.{precision}g", value)</c>.</summary>
    public static string G(double value, int precision)
    {
        if (!double.IsFinite(value))
            return double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
        if (precision <= 0)
            precision = 1;
        var sign = value < 0 ? "-" : "";
        if (value == 0)
            return sign + "0";
        var (digits, point) = Round(Exact(Math.Abs(value)), precision);
        var eprec = precision;
        if (eprec > digits.Length && digits.Length >= point)
            eprec = digits.Length;
        var exponent = point - 1;
        if (exponent < -4 || exponent >= eprec)
        {
            var shown = Math.Min(precision, digits.Length);
            var text = new StringBuilder(sign).Append(digits[0]);
            if (shown > 1)
                text.Append('.').Append(digits, 1, shown - 1);
            text.Append('e').Append(exponent < 0 ? '-' : '+');
            return text.Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture)).ToString();
        }
        var kept = precision > point ? digits.Length : precision;
        return sign + Fixed(digits, point, Math.Max(kept - point, 0));
    }

    /// <summary>Go's <c>fmt.Sprintf("%.{decimals}f", value)</c>.</summary>
    public static string F(double value, int decimals)
    {
        if (!double.IsFinite(value))
            return double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
        var sign = value < 0 ? "-" : "";
        if (value == 0)
            return Fixed("", 0, decimals);
        var exact = Exact(Math.Abs(value));
        var (digits, point) = Round(exact, exact.Point + decimals);
        return sign + Fixed(digits, point, decimals);
    }

    /// <summary>value = 0.Digits × 10^Point exactly, without trailing zeros.</summary>
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
        var trimmed = digits.TrimEnd('0');
        return (trimmed, point);
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
