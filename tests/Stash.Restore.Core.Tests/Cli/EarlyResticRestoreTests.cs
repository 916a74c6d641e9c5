using Stash.Restore.Cli;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Cli;

/// <summary>restic is located when the command starts (its start-ups overlap reading the inputs), with real child processes.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EarlyResticRestoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("early-restic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Marker(string name) => Path.Combine(_dir, name);

    /// <summary>restic on PATH: notes each call's start, waits <paramref name="delay"/>, notes its end, answers like restic 0.18.</summary>
    private Dictionary<string, string> FakeResticPath(string delay)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var script = Path.Combine(bin, "restic");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            touch '{{_dir}}'/started-"$1"
            sleep {{delay}}
            touch '{{_dir}}'/finished-"$1"
            if [ "$1" = version ]; then echo 'restic 0.18.0 compiled with go1.24.4 on linux/amd64'; else printf 'All Extended Options:\n  s3.region   set region\n'; fi
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return new Dictionary<string, string> { ["PATH"] = bin };
    }

    private static EarlyResticRestore Start(IReadOnlyDictionary<string, string> environment) =>
        new(new ResticRestore(new ProcessRunner(), TimeProvider.System, environment, new SecretMasker()), CancellationToken.None);

    [Fact]
    public async Task Restic_is_asked_before_the_run_asks_for_it()
    {
        await using var restic = Start(FakeResticPath("0"));

        // Nobody has called LocateAsync yet: both children still start.
        for (var i = 0; i < 100 && !(File.Exists(Marker("finished-version")) && File.Exists(Marker("finished-options"))); i++)
            await Task.Delay(50);
        Assert.True(File.Exists(Marker("finished-version")), "restic version was not started before it was asked for");
        Assert.True(File.Exists(Marker("finished-options")), "restic options was not started before it was asked for");

        var installation = await restic.LocateAsync(CancellationToken.None);
        Assert.Equal(new Version(0, 18, 0), installation.Version);
        Assert.Equal(["s3"], installation.Backends!);
    }

    [Fact]
    public async Task A_run_that_never_asks_still_waits_for_the_children_before_it_ends()
    {
        var restic = Start(FakeResticPath("0.5"));
        await restic.DisposeAsync();

        Assert.True(File.Exists(Marker("finished-version")) && File.Exists(Marker("finished-options")),
            "a restic child was still running after the run ended");
    }

    [Fact]
    public async Task A_missing_restic_fails_only_the_step_that_needs_it()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var restic = Start(new Dictionary<string, string> { ["PATH"] = empty });

        var e = await Assert.ThrowsAsync<DependencyUnavailableException>(() => restic.LocateAsync(CancellationToken.None));
        Assert.StartsWith("restic not found on PATH", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.ExitCode);
        await restic.DisposeAsync(); // the error is the step's, not the teardown's
    }
}
