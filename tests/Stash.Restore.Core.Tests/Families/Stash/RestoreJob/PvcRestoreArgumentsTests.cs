using Stash.Restore.Core.Families.Stash;

namespace Stash.Restore.Core.Tests.Families.Stash;

public sealed class PvcRestoreArgumentsTests
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData("--no-lock", new[] { "--no-lock" })]
    // Stash's resolver joins target.args with spaces; its flag splits at commas only.
    [InlineData("--no-lock --sparse", new[] { "--no-lock", "--sparse" })]
    [InlineData("--no-lock, --sparse,,-o s3.connections=4", new[] { "--no-lock", "--sparse", "-o", "s3.connections=4" })]
    public void Args_are_split_at_commas_and_whitespace(string args, string[] expected) =>
        Assert.Equal(expected, PvcRestoreArguments.SplitArgs(args));
}
