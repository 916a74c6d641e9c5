using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// A restore cut short from outside — SIGTERM, or <c>spec.timeOut</c> passing — through the real
/// entry point (the executor as a process, real restic slowed down): the postRestore hook, which
/// would leave a mark, never runs, and the host is recorded Failed with the reason.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class StoppedRestoreHookTests : IDisposable
{
    private const int Files = 24;
    private const int FileSize = 256 * 1024;

    private readonly List<SigtermRig> _rigs = [];

    /// <summary>A restore of 6 MiB with a postRestore hook (executionPolicy Always) that creates <paramref name="marker"/>.</summary>
    private async Task<SigtermRig> RigAsync(string marker, string? timeOut = null)
    {
        var spec = (timeOut is null ? "" : $"  timeOut: {timeOut}\n") + $$"""
              hooks:
                postRestore:
                  executionPolicy: Always
                  exec:
                    command: ["touch", "{{marker}}"]
            """;
        var rig = await SigtermRig.CreateAsync(Files, FileSize, filesPerFolder: 12, firstSeed: 500, logFormat: "text", sessionSpec: spec);
        _rigs.Add(rig);
        return rig;
    }

    public void Dispose()
    {
        foreach (var rig in _rigs)
            rig.Dispose();
    }

    [Fact]
    public async Task A_timeOut_passing_during_restic_stops_it_skips_the_postRestore_hook_and_records_the_host_failed()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"post-hook-ran-{Guid.NewGuid():N}");
        var rig = await RigAsync(marker, timeOut: "2s");

        // 6 MiB at 256 KiB/s: restic would need about 24 s.
        var result = await rig.RunRestoreAsync(rig.PathWithSlowRestic(rig.Repository.Restic.Path, downloadKiBPerSecond: 256));

        Assert.False(File.Exists(marker), "the postRestore hook ran after the deadline:\n" + result.Error);
        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, $"exit {result.ExitCode}\n{result.Error}");
        var entry = rig.StatusEntry();
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.StartsWith("deadline exceeded; restic was stopped", (string?)entry["error"]);
        Assert.NotEqual(Files, rig.CompleteFiles());
        Assert.Contains("The postRestore hook is not run: deadline exceeded", result.Error);
        Assert.Contains("failed after", result.Error);
    }

    [Fact]
    public async Task Sigterm_during_restic_skips_the_postRestore_hook_and_records_the_host_failed()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"post-hook-ran-{Guid.NewGuid():N}");
        var rig = await RigAsync(marker);
        using var executor = rig.StartRestore(rig.PathWithSlowRestic(rig.Repository.Restic.Path, downloadKiBPerSecond: 256));
        var error = executor.StandardError.ReadToEndAsync();
        await SigtermRig.WaitUntilAsync(() => rig.ResticProcesses().Count > 0);

        await SigtermRig.SigtermAsync(executor);

        Assert.False(File.Exists(marker), "the postRestore hook ran after SIGTERM:\n" + await error);
        Assert.Equal(ExitCodes.Terminated, executor.ExitCode);
        var entry = rig.StatusEntry();
        Assert.Equal(("Failed", "terminated by SIGTERM"), ((string?)entry["phase"], (string?)entry["error"]));
        Assert.Contains("The postRestore hook is not run: terminated by SIGTERM", await error);
    }
}
