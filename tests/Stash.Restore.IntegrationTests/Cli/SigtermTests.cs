using System.Diagnostics;
using System.Text.Json.Nodes;
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

    private TestRepository _repo = null!;
    private string _data = null!;
    private string _original = null!;

    public async Task InitializeAsync()
    {
        _repo = await TestRepository.CreateAsync();
        _data = Path.Combine(_repo.Root, "data");
        var tree = TestTree.At(_data);
        for (var i = 0; i < Files; i++)
            tree.RandomFile($"part-{i / 40}/file-{i:D3}.bin", FileSize, seed: i);
        _original = Path.Combine(_repo.Root, "original");
        Process.Start("cp", ["-a", _data, _original])!.WaitForExit();
        await _repo.BackupAsync("host-0", DateTimeOffset.UtcNow.AddMinutes(-1), _data);
        Directory.Delete(_data, recursive: true);
    }

    public Task DisposeAsync()
    {
        _repo.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sigterm_mid_restore_exits_143_records_failed_leaves_no_restic_and_a_rerun_resumes_to_identical_bytes()
    {
        // restic is slowed down (download limit) through a wrapper so the restore is surely in progress when SIGTERM arrives.
        var slowBin = _repo.CreateDirectory("slow-bin");
        File.WriteAllText(Path.Combine(slowBin, "restic"), $"#!/bin/sh\nexec '{_repo.Restic.Path}' --limit-download 4096 \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(slowBin, "restic"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var session = Path.Combine(_repo.Root, "rs.yaml");
        File.WriteAllText(session, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {"{"}name: big, namespace: demo{"}"}
            spec:
              target:
                rules:
                - paths: ["{_data}"]
            """);
        var repository = Path.Combine(_repo.Root, "repo.yaml");
        File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: r}}\nspec:\n  backend:\n    local:\n      mountPath: {_repo.RepositoryPath}\n");
        var secret = _repo.CreateDirectory("secret");
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), _repo.Password);
        var target = Path.Combine(_repo.Root, "restored");
        var status = Path.Combine(_repo.Root, "status.json");
        string[] args = ["restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
            "--host", "host-0", "--target-dir", target, "--scratch-dir", Path.Combine(_repo.Root, "scratch"), "--status-file", status, "--log-format", "json"];

        using (var executor = StartExecutor(args, $"{slowBin}:{Environment.GetEnvironmentVariable("PATH")}"))
        {
            // Part of the data is on disk (so the rerun has something to skip), restic is still going.
            await WaitUntilAsync(() => CompleteFiles(target) >= 20 && ResticProcesses().Count > 0, TimeSpan.FromSeconds(60));
            var sent = Stopwatch.StartNew();
            Assert.Equal(0, Mono.Unix.Native.Syscall.kill(executor.Id, Mono.Unix.Native.Signum.SIGTERM));
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(25));
            await executor.WaitForExitAsync(grace.Token);
            sent.Stop();

            Assert.Equal(ExitCodes.Terminated, executor.ExitCode);
            Assert.True(sent.Elapsed < TimeSpan.FromSeconds(10), $"exit took {sent.Elapsed} after SIGTERM");
            Assert.Empty(ResticProcesses());
            var entry = JsonNode.Parse(File.ReadAllText(status))!["stats"]![0]!;
            Assert.Equal(("Failed", "terminated by SIGTERM"), ((string?)entry["phase"], (string?)entry["error"]));
            Assert.NotEqual(Files, CompleteFiles(target));
        }

        using var rerun = StartExecutor(args, Environment.GetEnvironmentVariable("PATH")!);
        var log = await rerun.StandardError.ReadToEndAsync();
        await rerun.WaitForExitAsync();
        Assert.True(rerun.ExitCode == ExitCodes.Success, log);
        Assert.Matches(@"[1-9]\d* unchanged file\(s\) skipped", log);
        TestTree.AssertEqual(_original, Path.Combine(target, _data.TrimStart('/')));
        Assert.Equal("Succeeded", (string?)JsonNode.Parse(File.ReadAllText(status))!["stats"]![0]!["phase"]);
    }

    private int CompleteFiles(string target)
    {
        var restored = Path.Combine(target, _data.TrimStart('/'));
        return Directory.Exists(restored)
            ? Directory.EnumerateFiles(restored, "*", SearchOption.AllDirectories).Count(f => new FileInfo(f).Length == FileSize)
            : 0;
    }

    private static Process StartExecutor(string[] args, string path) =>
        ExecutorProcess.Start(args, new Dictionary<string, string> { ["PATH"] = path });

    /// <summary>restic processes working on this test's repository.</summary>
    private List<int> ResticProcesses() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => (Pid: int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0, Dir: d))
            .Where(p => p.Pid > 0 && ReadCommandLine(p.Dir) is { } cmd && cmd.Contains("restic", StringComparison.Ordinal) && cmd.Contains("restore", StringComparison.Ordinal) && cmd.Contains(_data, StringComparison.Ordinal))
            .Select(p => p.Pid)
            .ToList();

    private static string? ReadCommandLine(string procDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDir, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
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
