using System.Diagnostics;
using System.Text.RegularExpressions;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Restic;

/// <summary>
/// The free-space check with real restic 0.18 (whose snapshots keep their size) and a target on a
/// 1 MiB tmpfs: a 3 MiB snapshot is refused before anything is written, naming the filesystem, its free
/// space and the size needed; with <c>--skip-space-check</c> restic runs out of space and the failure
/// names the same figures.
/// </summary>
public sealed class TargetSpaceTests : IDisposable
{
    private readonly BackendRestoreKit _kit = BackendRestoreKit.Create("space");
    private readonly List<string> _mounts = [];

    public void Dispose()
    {
        foreach (var mount in _mounts)
            Run("umount", mount);
        _kit.Dispose();
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error}");
    }

    /// <summary>A backed-up 3 MiB of random data and, where the kit's next run restores, a 1 MiB tmpfs.</summary>
    private async Task<(string Backend, string Mount)> RepositoryAndSmallTargetAsync()
    {
        var blob = new byte[3 << 20];
        new Random(11).NextBytes(blob);
        await File.WriteAllBytesAsync(Path.Combine(_kit.DataPath, "blob.bin"), blob);
        var repository = Path.Combine(_kit.Root, "repo");
        await _kit.InitAndBackupAsync(new Dictionary<string, string?> { ["RESTIC_REPOSITORY"] = repository, ["RESTIC_PASSWORD"] = Password });
        var mount = _kit.NewDirectory("restored-1");
        Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount);
        _mounts.Add(mount);
        return ($"local:\n  mountPath: {repository}\n", mount);
    }

    private const string Password = "space-repo-pw";

    private static Dictionary<string, string> Secret() => new() { ["RESTIC_PASSWORD"] = Password };

    [RequiresTmpfsMountFact]
    public async Task A_snapshot_larger_than_the_targets_free_space_is_refused_before_anything_is_written()
    {
        var (backend, mount) = await RepositoryAndSmallTargetAsync();

        var run = await _kit.RestoreAsync(backend, Secret());

        Assert.Equal(mount, run.Target);
        BackendRestoreKit.AssertFailedWithoutSecrets(run, $"not enough space in the target: the filesystem mounted at {mount} has 1.0 MiB free; the restore needs 3.", Password);
        var error = (string)run.Entry["error"]!;
        Assert.True(Regex.IsMatch(error, @"the restore needs 3\.\d MiB \(snapshot [0-9a-f]{8}: 3\.\d MiB\); nothing was written; --skip-space-check restores anyway$"), error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(mount));
    }

    [RequiresTmpfsMountFact]
    public async Task With_skip_space_check_restic_runs_out_of_space_and_the_failure_names_the_figures()
    {
        var (backend, mount) = await RepositoryAndSmallTargetAsync();

        var run = await _kit.RestoreAsync(backend, Secret(), extraArguments: ["--skip-space-check"]);

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "no space left on device", Password);
        var error = (string)run.Entry["error"]!;
        Assert.True(Regex.IsMatch(error, @"failed: \d+ error\(s\) on \d+ path\(s\) \(first: [^)]*no space left on device\)"), error);
        Assert.True(Regex.IsMatch(error, $"; no space left on device: before the restore the filesystem mounted at {Regex.Escape(mount)} has 1\\.0 MiB free; the restore needs 3\\.\\d MiB$"), error);
        Assert.Contains("--skip-space-check: restoring anyway", run.Result.Error + run.Result.Output, StringComparison.Ordinal);
    }

    [RequiresTmpfsMountFact]
    public async Task A_dry_run_says_the_restore_would_be_refused_without_failing()
    {
        var (backend, mount) = await RepositoryAndSmallTargetAsync();

        var run = await _kit.RestoreAsync(backend, Secret(), extraArguments: ["--dry-run"]);

        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        var output = run.Result.Error + run.Result.Output;
        Assert.True(output.Contains($"The restore would be refused: not enough space in the target: the filesystem mounted at {mount} has 1.0 MiB free; the restore needs 3.", StringComparison.Ordinal), output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(mount));
    }
}
