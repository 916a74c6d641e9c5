using Stash.Restore.Core.Logging;
using static Stash.Restore.Core.Tests.Logging.LogOutput;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>
/// Secrets inside property values are masked before formatting: a secret holding a quote or a backslash,
/// escaped by the text or JSON formatter, would no longer match once written.
/// </summary>
public sealed class LogEventMaskingTests
{
    [Fact]
    public void TextMasksSecretsThatQuotingWouldChange()
    {
        // Text format quotes property values and escapes '"' and '\\' inside them.
        const string awkward = "pa\"ss\\word";
        var (logger, output, masker) = NewLogger(LogFormat.Text);
        masker.Add(awkward);

        logger.ForContext("Key", awkward)
            .ForContext("Env", new[] { $"RESTIC_PASSWORD={awkward}" })
            .Information("starting");

        var text = output.ToString();
        Assert.DoesNotContain("pa\\\"ss", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ss\\\\word", text, StringComparison.Ordinal);
        Assert.DoesNotContain(awkward, text, StringComparison.Ordinal);
        Assert.Contains("Key=\"***\"", text, StringComparison.Ordinal);
        Assert.Contains("Env=[\"RESTIC_PASSWORD=***\"]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonMasksSecretsThatJsonEscapingWouldChange()
    {
        // A quote and a backslash are escaped in JSON, so masking the finished line alone would miss them.
        const string awkward = "pa\"ss\\word";
        var (logger, output, masker) = NewLogger(LogFormat.Json);
        masker.Add(awkward);

        logger.Information("key {Key}", awkward);

        var text = output.ToString();
        Assert.DoesNotContain("pa\\\"ss\\\\word", text, StringComparison.Ordinal);
        Assert.DoesNotContain(awkward, text, StringComparison.Ordinal);
        Assert.Equal("key ***", Assert.Single(JsonLines(output)).GetProperty("msg").GetString());
    }
}
