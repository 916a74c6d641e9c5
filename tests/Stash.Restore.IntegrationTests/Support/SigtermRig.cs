using System.Diagnostics;
using System.Text.Json.Nodes;
using Stash.Restore.IntegrationTests.Cli;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// A restore large enough to interrupt: a real restic repository holding one backup of
/// many same-sized random files, and the RestoreSession, Repository and Secret files the
/// executor (a real process, as the kubelet runs it) restores it with. For tests that
/// SIGTERM the executor mid-restore and then run it again. Dispose deletes everything.
/// </summary>
internal sealed class SigtermRig(TestRepository repository, string data, int fileSize, string target, string statusFile, string[] args) : IDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitPatience = TimeSpan.FromSeconds(25);

    public TestRepository Repository { get; } = repository;

    /// <summary>The directory that was backed up (absolute; restic restores it under the target with this path).</summary>
    public string Data { get; } = data;

    public int FileSize { get; } = fileSize;

    /// <summary>Where the restore puts <see cref="Data"/>.</summary>
    public string RestoredData => Path.Combine(Target, Data.TrimStart('/'));

    public string Target { get; } = target;

    public string StatusFile { get; } = statusFile;

    /// <summary>
    /// Backs up <paramref name="files"/> random files of <paramref name="fileSize"/> bytes
    /// (<paramref name="filesPerFolder"/> to a folder, seeds from <paramref name="firstSeed"/>) as
    /// host <c>host-0</c>, and writes the files a <c>restore</c> of them needs.
    /// </summary>
    /// <param name="sessionSpec">More of the RestoreSession's <c>spec</c> (YAML lines indented by two spaces, e.g. <c>  timeOut: 2s</c>), or null.</param>
    public static async Task<SigtermRig> CreateAsync(int files, int fileSize, int filesPerFolder, int firstSeed, string logFormat, string? sessionSpec = null)
    {
        var repository = await TestRepository.CreateAsync();
        try
        {
            var data = Path.Combine(repository.Root, "data");
            var tree = TestTree.At(data);
            for (var i = 0; i < files; i++)
                tree.RandomFile($"part-{i / filesPerFolder}/file-{i:D3}.bin", fileSize, seed: firstSeed + i);
            await repository.BackupAsync("host-0", DateTimeOffset.UtcNow.AddMinutes(-1), data);

            var session = Path.Combine(repository.Root, "rs.yaml");
            File.WriteAllText(session, $"apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {{name: big, namespace: demo}}\nspec:\n{(sessionSpec is null ? "" : sessionSpec.TrimEnd('\n') + "\n")}  target:\n    rules:\n    - paths: [\"{data}\"]\n");
            var repositoryFile = Path.Combine(repository.Root, "repo.yaml");
            File.WriteAllText(repositoryFile, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: r}}\nspec:\n  backend:\n    local:\n      mountPath: {repository.RepositoryPath}\n");
            var secret = repository.CreateDirectory("secret");
            File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), repository.Password);
            var target = Path.Combine(repository.Root, "restored");
            var status = Path.Combine(repository.Root, "status.json");
            string[] args = ["restore", "--restoresession-file", session, "--repository-file", repositoryFile, "--secret-dir", secret,
                "--host", "host-0", "--target-dir", target, "--scratch-dir", Path.Combine(repository.Root, "scratch"), "--status-file", status, "--log-format", logFormat];
            return new SigtermRig(repository, data, fileSize, target, status, args);
        }
        catch
        {
            // No test holds the repository yet to dispose it.
            repository.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A PATH whose <c>restic</c> is <paramref name="restic"/> held to <paramref name="downloadKiBPerSecond"/>
    /// (restic's own download limit), so that a signal surely lands while the restore is running.
    /// </summary>
    public string PathWithSlowRestic(string restic, int downloadKiBPerSecond)
    {
        var slowBin = Repository.CreateDirectory("slow-bin");
        var wrapper = Path.Combine(slowBin, "restic");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec '{restic}' --limit-download {downloadKiBPerSecond} \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return $"{slowBin}:{Environment.GetEnvironmentVariable("PATH")}";
    }

    /// <summary>Starts the restore with <paramref name="path"/> as the executor's PATH.</summary>
    public Process StartRestore(string path) => ExecutorProcess.Start(args, PathOnly(path));

    /// <summary>Runs the restore to its end with <paramref name="path"/> as the executor's PATH.</summary>
    public Task<CliResult> RunRestoreAsync(string path) => ExecutorProcess.RunAsync(args, PathOnly(path));

    /// <summary>Restored files that already have their full size.</summary>
    public int CompleteFiles() =>
        Directory.Exists(RestoredData)
            ? Directory.EnumerateFiles(RestoredData, "*", SearchOption.AllDirectories).Count(f => new FileInfo(f).Length == FileSize)
            : 0;

    /// <summary>The status file's entry for host-0 (<c>stats[0]</c>).</summary>
    public JsonNode StatusEntry() => JsonNode.Parse(File.ReadAllText(StatusFile))!["stats"]![0]!;

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test if it does not within a minute.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + StartPatience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the restore did not start in time");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Sends SIGTERM to <paramref name="executor"/> as the kubelet does and waits (25 s at most) for it to exit.
    /// Returns a stopwatch started at the signal and left running, so a caller that then waits for more
    /// (the rest of stderr) measures that too, as it did before this helper existed.
    /// </summary>
    public static async Task<Stopwatch> SigtermAsync(Process executor)
    {
        var sent = Stopwatch.StartNew();
        Assert.Equal(0, Mono.Unix.Native.Syscall.kill(executor.Id, Mono.Unix.Native.Signum.SIGTERM));
        using var grace = new CancellationTokenSource(ExitPatience);
        await executor.WaitForExitAsync(grace.Token);
        return sent;
    }

    /// <summary>restic processes restoring <see cref="Data"/>.</summary>
    public List<int> ResticProcesses() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => (Pid: int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0, Dir: d))
            .Where(p => p.Pid > 0 && ReadCommandLine(p.Dir) is { } cmd && cmd.Contains("restic", StringComparison.Ordinal) && cmd.Contains("restore", StringComparison.Ordinal) && cmd.Contains(Data, StringComparison.Ordinal))
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

    private static Dictionary<string, string> PathOnly(string path) => new() { ["PATH"] = path };

    public void Dispose() => Repository.Dispose();
}
