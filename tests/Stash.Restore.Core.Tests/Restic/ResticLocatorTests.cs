using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ResticLocatorTests
{
    [Theory]
    [InlineData("restic 0.18.0 compiled with go1.24.4 on linux/amd64", "0.18.0")]
    [InlineData("restic 0.14.0 compiled with go1.19.8 on linux/amd64", "0.14.0")]
    [InlineData("restic 0.17.3-dev (compiled manually) compiled with go1.22.5 on linux/arm64", "0.17.3")]
    [InlineData("restic 0.9 compiled", "0.9.0")]
    public void Parses_restic_version_lines(string line, string expected) =>
        Assert.Equal(Version.Parse(expected), ResticLocator.ParseVersion(line));

    [Fact]
    public void Not_a_version_line() => Assert.Null(ResticLocator.ParseVersion("rustic 0.5.0"));

    [Fact]
    public async Task Missing_restic_is_a_dependency_error_naming_path()
    {
        var dir = Directory.CreateTempSubdirectory("no-restic-").FullName;
        try
        {
            var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
                ResticLocator.FindAsync(new FakeProcessRunner(), new Dictionary<string, string> { ["PATH"] = dir }, CancellationToken.None));
            Assert.StartsWith("restic not found on PATH", e.Message, StringComparison.Ordinal);
            Assert.Equal(3, e.ExitCode);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Finds_restic_on_the_given_path_and_reads_its_version()
    {
        var dir = Directory.CreateTempSubdirectory("fake-restic-").FullName;
        try
        {
            var path = Path.Combine(dir, "restic");
            await File.WriteAllTextAsync(path, "");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var runner = new FakeProcessRunner()
                .Then(new FakeRun(0, FakeRun.Out("restic 0.16.4 compiled with go1.21 on linux/amd64")))
                .Then(new FakeRun(0, FakeRun.Out("All Extended Options:"),
                    FakeRun.Out("  b2.connections            set a limit for the number of concurrent connections (default: 5)"),
                    FakeRun.Out("  s3.bucket-lookup          bucket lookup style: 'auto', 'dns', or 'path'")));
            var restic = await ResticLocator.FindAsync(runner, new Dictionary<string, string> { ["PATH"] = "/nonexistent:" + dir }, CancellationToken.None);
            Assert.Equal(path, restic.Path);
            Assert.Equal(new Version(0, 16, 4), restic.Version);
            Assert.Equal(["version"], runner.Calls[0].Arguments);
            Assert.Equal(["options"], runner.Calls[1].Arguments);
            Assert.Equal(["b2", "s3"], restic.Backends!.Order(StringComparer.Ordinal));

            var old = new FakeProcessRunner().Then(new FakeRun(0, FakeRun.Out("restic 0.9.6 compiled with go1.13")));
            var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
                ResticLocator.FindAsync(old, new Dictionary<string, string> { ["PATH"] = dir }, CancellationToken.None));
            Assert.Contains("too old", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_restic_that_prints_no_option_list_refuses_no_backend()
    {
        Assert.Null(ResticLocator.ParseBackends(["restic 0.18.0 compiled with go1.24.4 on linux/amd64"]));
        Assert.Null(ResticLocator.ParseBackends(["All Extended Options:"]));
    }
}
