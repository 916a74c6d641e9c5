using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>The operators' list arguments (<c>--restore-paths=/a,/b</c>): empty means unset.</summary>
public sealed class CommaSeparatedTests
{
    [Theory]
    [InlineData("/a,/b", new[] { "/a", "/b" })]
    [InlineData("/a, /b,,", new[] { "/a", "/b" })]
    [InlineData("*.json", new[] { "*.json" })]
    [InlineData("", new string[0])]
    [InlineData("  ", new string[0])]
    [InlineData(null, new string[0])]
    public void Entries_are_trimmed_and_empty_ones_dropped(string? value, string[] expected)
    {
        Assert.Equal(expected, CommaSeparated.Split(value));
    }
}
