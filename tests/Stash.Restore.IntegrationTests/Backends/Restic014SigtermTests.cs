using System.Diagnostics;
using System.Text.Json.Nodes;
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

    private TestRepository _repo = null!;
    private string _data = null!;

    public async Task InitializeAsync()
    {
        _repo = await TestRepository.CreateAsync();
        _data = Path.Combine(_repo.Root, "data");
        var tree = TestTree.At(_data);
        for (var i = 0; i < Files; i++)
            tree.RandomFile($"part-{i / 20}/file-{i:D3}.bin", FileSize, seed: 1000 + i);
        await _repo.BackupAsync("host-0", DateTimeOffset.UtcNow.AddMinutes(-1), _data);
    }

    public Task DisposeAsync()
    {
        _repo.Dispose();
        return Task.CompletedTask;
    }

    [RequiresToolFact(TestTool.Restic014)]
    public async Task Sigterm_exits_143_records_failed_and_the_retry_says_it_restores_everything_again()
    {
        // restic 0.14 slowed down (download limit, KiB/s) through a wrapper, so SIGTERM surely lands mid-restore.
        var slowBin = _repo.CreateDirectory("slow-bin-014");
        File.WriteAllText(Path.Combine(slowBin, "restic"), $"#!/bin/sh\nexec '{TestTools.Restic014}' --limit-download 1024 \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(slowBin, "restic"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var session = Path.Combine(_repo.Root, "rs.yaml");
        File.WriteAllText(session, $"apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {{name: big, namespace: demo}}\nspec:\n  target:\n    rules:\n    - paths: [\"{_data}\"]\n");
        var repository = Path.Combine(_repo.Root, "repo.yaml");
        File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: r}}\nspec:\n  backend:\n    local:\n      mountPath: {_repo.RepositoryPath}\n");
        var secret = _repo.CreateDirectory("secret");
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), _repo.Password);
        var target = Path.Combine(_repo.Root, "restored");
        var status = Path.Combine(_repo.Root, "status.json");
        string[] args = ["restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
            "--host", "host-0", "--target-dir", target, "--scratch-dir", Path.Combine(_repo.Root, "scratch"), "--status-file", status, "--log-format", "text"];

        using (var executor = StartExecutor(args, $"{slowBin}:{Environment.GetEnvironmentVariable("PATH")}"))
        {
            var stderr = executor.StandardError.ReadToEndAsync();
            await WaitUntilAsync(() => CompleteFiles(target) >= 5, TimeSpan.FromSeconds(60));
            var sent = Stopwatch.StartNew();
            Assert.Equal(0, Mono.Unix.Native.Syscall.kill(executor.Id, Mono.Unix.Native.Signum.SIGTERM));
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(25));
            await executor.WaitForExitAsync(grace.Token);

            Assert.True(executor.ExitCode == ExitCodes.Terminated, await stderr);
            Assert.True(sent.Elapsed < TimeSpan.FromSeconds(10), $"exit took {sent.Elapsed} after SIGTERM");
            Assert.Contains("restic 0.14.0", await stderr, StringComparison.Ordinal);
            var entry = JsonNode.Parse(File.ReadAllText(status))!["stats"]![0]!;
            Assert.Equal(("Failed", "terminated by SIGTERM"), ((string?)entry["phase"], (string?)entry["error"]));
            Assert.NotEqual(Files, CompleteFiles(target));
        }

        using var rerun = StartExecutor(args, TestTools.PathWithRestic014());
        var log = await rerun.StandardError.ReadToEndAsync();
        await rerun.WaitForExitAsync();
        Assert.True(rerun.ExitCode == ExitCodes.Success, log);
        Assert.Contains("restic 0.14.0 cannot resume an interrupted restore (restore --overwrite arrived in 0.17): this retry restores every file again", log, StringComparison.Ordinal);
        Assert.Contains($"{Files * FileSize} byte(s) restored", log, StringComparison.Ordinal);
        TestTree.AssertEqual(_data, Path.Combine(target, _data.TrimStart('/')));
        Assert.Equal("Succeeded", (string?)JsonNode.Parse(File.ReadAllText(status))!["stats"]![0]!["phase"]);
    }

    private int CompleteFiles(string target)
    {
        var restored = Path.Combine(target, _data.TrimStart('/'));
        return Directory.Exists(restored)
            ? Directory.EnumerateFiles(restored, "*", SearchOption.AllDirectories).Count(f => new FileInfo(f).Length == FileSize)
            : 0;
    }

    private static Process StartExecutor(string[] args, string path)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "stash-restore.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["PATH"] = path;
        return Process.Start(start)!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the restore did not start in time");
            await Task.Delay(100);
        }
    }
}
