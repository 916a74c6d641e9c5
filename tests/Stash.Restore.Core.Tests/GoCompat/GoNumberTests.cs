using System.Globalization;
using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>
/// The one float formatter (percentages in KubeStash status, printf and toJson in hooks) against Go's strconv:
/// %f, %e and %g at several precisions, the shortest form and the encoding/json form, on exact halves (which Go
/// rounds to even and .NET rounds away from zero), values just beside a half, and very large and very small values.
/// </summary>
public sealed class GoNumberTests
{
    private static readonly string[] Values =
    [
        // Exact binary halves at each precision used below.
        "0.5", "1.5", "2.5", "-0.5", "-2.5", "0.25", "0.125", "0.375", "9.5", "99.5", "1234.5", "999999.5",
        // Decimal halves that are not exact in binary: Go rounds the binary value.
        "0.35", "1.005", "2.675", "0.05", "7.4848", "33.333333333333336",
        // Large, small and edge values.
        "0.0", "1.0", "100000.0", "123456789.0", "123456789012345678.0", "1e20", "1e21", "1e22", "1e100",
        "1.7976931348623157e308", "1e-4", "1e-5", "1e-6", "1e-7", "2.5e-10", "-1e-300", "5e-324",
    ];

    private static readonly (string Verb, Func<double, string> Ours)[] Forms =
    [
        ("%.0f", v => GoNumber.FormatFixed(v, 0)),
        ("%.1f", v => GoNumber.FormatFixed(v, 1)),
        ("%.2f", v => GoNumber.FormatFixed(v, 2)),
        ("%f", v => GoNumber.FormatFixed(v, 6)),
        ("%.0e", v => GoNumber.FormatExponent(v, 0)),
        ("%.1e", v => GoNumber.FormatExponent(v, 1)),
        ("%e", v => GoNumber.FormatExponent(v, 6)),
        ("%.1g", v => GoNumber.FormatGeneral(v, 1)),
        ("%.3g", v => GoNumber.FormatGeneral(v, 3)),
        ("%.10g", v => GoNumber.FormatGeneral(v, 10)),
        ("%g", GoNumber.FormatG),
    ];

    [Theory]
    [InlineData(0, "0.00")]
    [InlineData(0.125, "0.12")]
    [InlineData(12.125, "12.12")]
    [InlineData(2.675, "2.67")]
    [InlineData(99.995, "100.00")]
    [InlineData(7.4848, "7.48")]
    [InlineData(100.0 / 3, "33.33")]
    public void Percentages_round_as_Go_fixed_format(double value, string expected) =>
        Assert.Equal(expected, GoNumber.FormatFixed(value, 2));

    [RequiresGoFact]
    public void Fixed_exponent_and_general_forms_match_gos_strconv()
    {
        var format = string.Join("|", Forms.Select(f => f.Verb));
        var cases = Values.Select((v, i) => new TemplateCase(
            $"num{i}", $"{{{{ printf \"{format}\" {string.Join(" ", Forms.Select(_ => v))} }}}}|{{{{ toJson {v} }}}}", GoDifferential.Succeeded)).ToList();

        var go = GoReference.Render(cases);

        var failures = new List<string>();
        for (var i = 0; i < Values.Length; i++)
        {
            var value = double.Parse(Values[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            var ours = string.Join("|", Forms.Select(f => f.Ours(value))) + "|" + GoNumber.FormatJson(value);
            if (!go[i].Ok)
                failures.Add($"{Values[i]}: Go failed: {go[i].Error}");
            else if (go[i].Output != ours)
                failures.Add($"{Values[i]}:\n   go:   {go[i].Output}\n   ours: {ours}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
