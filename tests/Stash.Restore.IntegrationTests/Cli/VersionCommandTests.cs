using Stash.Restore.Core;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary><c>stash-restore version</c>: its own version and the restic it finds.</summary>
public sealed class VersionCommandTests
{
    [Fact]
    public async Task Version_prints_own_and_restic_versions()
    {
        var result = await CliHarness.RunAsync("version");
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches(@"^stash-restore \d+\.\d+\.\d+", result.Output);
        Assert.Matches(@"restic 0\.\d+\.\d+", result.Output);
    }
}
