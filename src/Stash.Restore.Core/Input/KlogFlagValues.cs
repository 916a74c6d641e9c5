using System.Globalization;
using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Input;

/// <summary>
/// The values klog's flags (and the pflag booleans Stash operators add) accept, checked as klog and
/// pflag check them, so a value Stash's own image refuses is refused here too (exit 2) and one it
/// takes is taken. Each check returns null when the value is accepted, else the problem in a few words.
/// </summary>
internal static class KlogFlagValues
{
    private static readonly string[] SeverityNames = ["INFO", "WARNING", "ERROR", "FATAL"];

    /// <summary>pflag booleans (Go's strconv.ParseBool): 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False.</summary>
    public static string? Boolean(string? value) =>
        value is "1" or "t" or "T" or "TRUE" or "true" or "True" or "0" or "f" or "F" or "FALSE" or "false" or "False"
            ? null
            : "not a boolean: true or false (or 1, t, T, TRUE, True, 0, f, F, FALSE, False)";

    /// <summary><c>--stderrthreshold</c>: a severity name in any case, or a number (klog takes any 32-bit integer).</summary>
    public static string? Severity(string? value) =>
        value is not null && (SeverityNames.Contains(value.ToUpperInvariant()) || IsInt32(value))
            ? null
            : "not a severity: INFO, WARNING, ERROR, FATAL (any case) or a number";

    /// <summary><c>--v</c>: a 32-bit integer, as klog's Level.Set.</summary>
    public static string? Verbosity(string? value) => value is not null && IsInt32(value) ? null : "not a number";

    /// <summary><c>--log_file_max_size</c>: an unsigned 64-bit integer (Go base 0: decimal, 0x…, 0o…, 0b…, leading 0 octal).</summary>
    public static string? Megabytes(string? value) => value is not null && IsUint64(value) ? null : "not a size in megabytes";

    /// <summary><c>--vmodule</c>: comma-separated <c>pattern=N</c>, N a non-negative 32-bit integer; empty entries are skipped.</summary>
    public static string? ModuleSpec(string? value)
    {
        foreach (var entry in (value ?? "").Split(','))
        {
            if (entry.Length == 0)
                continue;
            var parts = entry.Split('=');
            if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level))
                return "syntax error: expect comma-separated list of filename=N";
            if (level < 0)
                return "negative value for vmodule level";
        }
        return null;
    }

    /// <summary><c>--log_backtrace_at</c>: empty, or <c>file.go:N</c> with N &gt; 0.</summary>
    public static string? TraceLocation(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        var fields = value.Split(':');
        if (fields.Length != 2 || !fields[0].Contains('.', StringComparison.Ordinal)
            || !int.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var line))
            return "syntax error: expect file.go:234";
        return line <= 0 ? "negative or zero value for level" : null;
    }

    /// <summary>A Go duration (<c>5s</c>, <c>1m30s</c>, <c>0</c>), as pflag's Duration flags take it.</summary>
    public static string? Duration(string? value) =>
        GoDuration.TryParse(value, out _) ? null : "not a duration such as 5s, 1m30s or 0";

    /// <summary>Any text (<c>--log_dir</c>, <c>--log_file</c>).</summary>
    public static string? Text(string? value) => null;

    private static bool IsInt32(string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    /// <summary>Go's strconv.ParseUint(value, 0, 64): decimal, or 0x/0o/0b/leading-0 octal digits.</summary>
    private static bool IsUint64(string value)
    {
        var (digits, radix) = value switch
        {
            _ when value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) => (value[2..], 16),
            _ when value.StartsWith("0o", StringComparison.OrdinalIgnoreCase) => (value[2..], 8),
            _ when value.StartsWith("0b", StringComparison.OrdinalIgnoreCase) => (value[2..], 2),
            _ when value.Length > 1 && value[0] == '0' => (value[1..], 8),
            _ => (value, 10),
        };
        if (digits.Length == 0)
            return false;
        var total = System.Numerics.BigInteger.Zero;
        foreach (var c in digits)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : int.MaxValue;
            if (digit >= radix)
                return false;
            total = total * radix + digit;
        }
        return total <= ulong.MaxValue;
    }
}
