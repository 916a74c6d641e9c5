using Stash.Restore.Core.Metrics;

namespace Stash.Restore.Core.Tests.Metrics;

/// <summary>The Prometheus text format's spellings: values, label values and HELP text escaped as the format says.</summary>
public sealed class PrometheusTextFormatTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(884.431745, "884.431745")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    public void ValuesUseThePrometheusSpellings(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextFormat.FormatValue(value));

    [Theory]
    [InlineData("plain", "plain", "plain")]
    [InlineData("a\\b", "a\\\\b", "a\\\\b")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"", "say \"hi\"")] // HELP keeps its quotes
    [InlineData("two\nlines", "two\\nlines", "two\\nlines")]
    public void Label_values_escape_backslash_quote_and_newline_and_help_only_backslash_and_newline(string text, string asLabel, string asHelp)
    {
        Assert.Equal((asLabel, asHelp), (PrometheusTextFormat.EscapeLabelValue(text), PrometheusTextFormat.EscapeHelp(text)));
    }
}
