using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>Values quoted in one-line errors: the first line, at most 60 characters, <c>…</c> where something was left out.</summary>
public sealed class TextShorteningTests
{
    [Theory]
    [InlineData("host-1", "\"host-1\"")]
    [InlineData("first\nsecond", "\"first…\"")]
    [InlineData("first\r\nsecond", "\"first…\"")]
    [InlineData("only a line\n", "\"only a line\"")] // a trailing newline hides nothing
    public void A_value_is_quoted_by_its_first_line(string value, string expected)
    {
        Assert.Equal(expected, TextShortening.Quote(value));
    }

    [Fact]
    public void A_long_value_is_cut_at_60_characters()
    {
        Assert.Equal("\"" + new string('a', 60) + "…\"", TextShortening.Quote(new string('a', 61)));
        Assert.Equal("\"" + new string('a', 60) + "\"", TextShortening.Quote(new string('a', 60)));
    }

    [Fact]
    public void A_validators_message_keeps_each_multi_line_quote_to_its_first_line_on_one_line()
    {
        var message = "spec.target.rules[0].paths[0]: \"/data\nrm -rf /\" is not an absolute path\nsee the docs";

        Assert.Equal("spec.target.rules[0].paths[0]: \"/data…\" is not an absolute path see the docs", TextShortening.OneLineQuotes(message));
    }
}
