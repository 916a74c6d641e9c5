using Stash.Restore.Core;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>A command line that does not parse: exit 2 and one line naming the problem and where the help is.</summary>
public sealed class ParseErrorsTests
{
    [Theory]
    [InlineData(new[] { "restore", "--nope" }, "error: unknown option '--nope' (did you mean '--host'?); see 'stash-restore restore --help'")]
    [InlineData(new[] { "restore", "--dry-rn" }, "error: unknown option '--dry-rn' (did you mean '--dry-run'?); see 'stash-restore restore --help'")]
    [InlineData(new[] { "restore", "--output", "yaml" }, "error: argument 'yaml' not recognized. Must be one of: 'text' 'json'; see 'stash-restore restore --help'")]
    [InlineData(new[] { "validate" }, "error: option '--file' is required; see 'stash-restore validate --help'")]
    [InlineData(new[] { "restroe" }, "error: unexpected argument 'restroe'; see 'stash-restore --help'")]
    public async Task A_command_line_that_does_not_parse_is_exit_2_and_one_line(string[] args, string expected)
    {
        var result = await CliHarness.RunAsync(args);
        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Equal(expected, result.Error.TrimEnd());
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task An_unknown_option_close_to_no_name_is_named_without_its_value_and_without_a_suggestion()
    {
        var result = await CliHarness.RunAsync("restore", "--xyzzy-plugh-frobnicate=1");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Equal("error: unknown option '--xyzzy-plugh-frobnicate'; see 'stash-restore restore --help'", result.Error.TrimEnd());
    }
}
