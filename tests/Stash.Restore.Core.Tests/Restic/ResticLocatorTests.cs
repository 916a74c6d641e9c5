using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Tests.Fakes;

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

    [Theory]
    [InlineData("restic 0.18.0 compiled with go1.24.4 on linux/amd64", "1.24.4")]
    [InlineData("restic 0.17.3-dev (compiled manually) compiled with go1.22.5 on linux/arm64", "1.22.5")]
    [InlineData("restic 0.19.0 compiled with go1.25rc2 on linux/amd64", "1.25.0")]
    public void Go_release_restic_was_built_with(string line, string expected) =>
        Assert.Equal(Version.Parse(expected), ResticLocator.ParseGoVersion(line));

    [Fact]
    public void No_go_release_named() => Assert.Null(ResticLocator.ParseGoVersion("restic 0.18.0"));

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
            Assert.Equal(new Version(1, 21, 0), restic.GoVersion);
            Assert.Equal(["version"], runner.Calls[0].Arguments);
            Assert.Equal(["options"], runner.Calls[1].Arguments);
            Assert.Equal(["b2", "s3"], restic.Backends!.Order(StringComparer.Ordinal));

            // Both children are started before either answer is read, so a too-old restic is asked for its options too.
            var old = new FakeProcessRunner()
                .Then(new FakeRun(0, FakeRun.Out("restic 0.9.6 compiled with go1.13")))
                .Then(new FakeRun(1, FakeRun.Err("unknown command \"options\" for \"restic\"")));
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

    [Fact]
    public async Task Version_and_options_run_at_the_same_time()
    {
        // restic on PATH is a script: each call notes its start, then waits (up to 5 s) until the other call
        // has started too. Run one after the other, the first would wait the full 5 s and the test fails.
        var dir = Directory.CreateTempSubdirectory("slow-restic-").FullName;
        try
        {
            var script = Path.Combine(dir, "restic");
            await File.WriteAllTextAsync(script, $$"""
                #!/bin/sh
                touch '{{dir}}'/started-"$1"
                other=version; [ "$1" = version ] && other=options
                i=0
                while [ ! -e '{{dir}}/started-'$other ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
                [ -e '{{dir}}/started-'$other ] || { echo "$1 ran alone" >&2; exit 1; }
                if [ "$1" = version ]; then echo 'restic 0.18.0 compiled with go1.24.4 on linux/amd64'; else printf 'All Extended Options:\n  s3.region   set region\n'; fi
                """);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            var restic = await ResticLocator.FindAsync(new ProcessRunner(), new Dictionary<string, string> { ["PATH"] = dir }, CancellationToken.None);

            Assert.Equal(new Version(0, 18, 0), restic.Version);
            Assert.Equal(["s3"], restic.Backends!);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task A_restic_that_fails_its_version_is_reported_after_its_options_child_is_reaped()
    {
        // options is slow; version fails at once. The error must wait for the options child, not leave it running.
        var dir = Directory.CreateTempSubdirectory("broken-restic-").FullName;
        try
        {
            var script = Path.Combine(dir, "restic");
            await File.WriteAllTextAsync(script, $$"""
                #!/bin/sh
                if [ "$1" = version ]; then echo 'segmentation fault' >&2; exit 2; fi
                sleep 0.5
                touch '{{dir}}/options-finished'
                """);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
                ResticLocator.FindAsync(new ProcessRunner(), new Dictionary<string, string> { ["PATH"] = dir }, CancellationToken.None));

            Assert.Equal($"'{script} version' did not report a version (exit 2): segmentation fault", e.Message);
            Assert.True(File.Exists(Path.Combine(dir, "options-finished")), "the options child was still running when the error was reported");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
