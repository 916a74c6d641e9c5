using System.Diagnostics;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// The executor as the kubelet sees it: a real process that gets SIGTERM in the middle of a
/// large restore, and a rerun that resumes.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class SigtermTests : IAsyncLifetime
{
    private const int Files = 120;
    private const int FileSize = 512 * 1024;

    private SigtermRig _rig = null!;
    private string _original = null!;

    public async Task InitializeAsync()
    {
        _rig = await SigtermRig.CreateAsync(Files, FileSize, filesPerFolder: 40, firstSeed: 0, logFormat: "json");
        // A copy to compare with, and the source gone, so the rerun cannot pass by finding the bytes in place.
        _original = Path.Combine(_rig.Repository.Root, "original");
        Process.Start("cp", ["-a", _rig.Data, _original])!.WaitForExit();
        Directory.Delete(_rig.Data, recursive: true);
    }

    public Task DisposeAsync()
    {
        _rig?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sigterm_mid_restore_exits_143_records_failed_leaves_no_restic_and_a_rerun_resumes_to_identical_bytes()
    {
        // restic is slowed down (download limit) through a wrapper so the restore is surely in progress when SIGTERM arrives.
        using (var executor = _rig.StartRestore(_rig.PathWithSlowRestic(_rig.Repository.Restic.Path, downloadKiBPerSecond: 4096)))
        {
            // Part of the data is on disk (so the rerun has something to skip), restic is still going.
            await SigtermRig.WaitUntilAsync(() => _rig.CompleteFiles() >= 20 && _rig.ResticProcesses().Count > 0);
            var sent = await SigtermRig.SigtermAsync(executor);
            sent.Stop();

            Assert.Equal(ExitCodes.Terminated, executor.ExitCode);
            Assert.True(sent.Elapsed < TimeSpan.FromSeconds(10), $"exit took {sent.Elapsed} after SIGTERM");
            Assert.Empty(_rig.ResticProcesses());
            var entry = _rig.StatusEntry();
            Assert.Equal(("Failed", "terminated by SIGTERM"), ((string?)entry["phase"], (string?)entry["error"]));
            Assert.NotEqual(Files, _rig.CompleteFiles());
        }

        var rerun = await _rig.RunRestoreAsync(Environment.GetEnvironmentVariable("PATH")!);
        var log = rerun.Error;
        Assert.True(rerun.ExitCode == ExitCodes.Success, log);
        Assert.Matches(@"[1-9]\d* unchanged file\(s\) skipped", log);
        TestTree.AssertEqual(_original, _rig.RestoredData);
        Assert.Equal("Succeeded", (string?)_rig.StatusEntry()["phase"]);
    }
}
