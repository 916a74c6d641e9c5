using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>
/// SIGTERM in the middle of a restore by restic 0.14, as the kubelet sends it to the real
/// executor process; then the retry, which 0.14 cannot resume (no <c>--overwrite</c>).
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class Restic014SigtermTests : IAsyncLifetime
{
    private const int Files = 60;
    private const int FileSize = 256 * 1024;

    private SigtermRig _rig = null!;

    public async Task InitializeAsync() =>
        _rig = await SigtermRig.CreateAsync(Files, FileSize, filesPerFolder: 20, firstSeed: 1000, logFormat: "text");

    public Task DisposeAsync()
    {
        _rig?.Dispose();
        return Task.CompletedTask;
    }

    [RequiresToolFact(TestTool.Restic014)]
    public async Task Sigterm_exits_143_records_failed_and_the_retry_says_it_restores_everything_again()
    {
        // restic 0.14 slowed down (download limit, KiB/s) through a wrapper, so SIGTERM surely lands mid-restore.
        using (var executor = _rig.StartRestore(_rig.PathWithSlowRestic(TestTools.Restic014, downloadKiBPerSecond: 1024)))
        {
            var stderr = executor.StandardError.ReadToEndAsync();
            await SigtermRig.WaitUntilAsync(() => _rig.CompleteFiles() >= 5);
            var sent = await SigtermRig.SigtermAsync(executor);

            Assert.True(executor.ExitCode == ExitCodes.Terminated, await stderr);
            Assert.True(sent.Elapsed < TimeSpan.FromSeconds(10), $"exit took {sent.Elapsed} after SIGTERM");
            Assert.Contains("restic 0.14.0", await stderr, StringComparison.Ordinal);
            var entry = _rig.StatusEntry();
            Assert.Equal(("Failed", "terminated by SIGTERM"), ((string?)entry["phase"], (string?)entry["error"]));
            Assert.NotEqual(Files, _rig.CompleteFiles());
        }

        var rerun = await _rig.RunRestoreAsync(TestTools.PathWithRestic014());
        var log = rerun.Error;
        Assert.True(rerun.ExitCode == ExitCodes.Success, log);
        Assert.Contains("restic 0.14.0 cannot resume an interrupted restore (restore --overwrite arrived in 0.17): this retry restores every file again", log, StringComparison.Ordinal);
        Assert.Contains($"{Files * FileSize} byte(s) restored", log, StringComparison.Ordinal);
        TestTree.AssertEqual(_rig.Data, _rig.RestoredData);
        Assert.Equal("Succeeded", (string?)_rig.StatusEntry()["phase"]);
    }
}
