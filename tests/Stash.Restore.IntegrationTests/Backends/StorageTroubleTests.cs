using System.Globalization;
using System.Text.RegularExpressions;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>
/// Storage that dies mid-restore and a deadline that ends one, with real restic 0.18 and a real REST
/// server of the test's own (it is killed): restic is stopped by <c>--stall-timeout</c> with its own last
/// error, and by a deadline within 5 s, its repository lock removed.
/// </summary>
public sealed partial class StorageTroubleTests : IAsyncLifetime
{
    private const string Password = "trouble-repo-pw";

    private readonly BackendRestoreKit _kit = BackendRestoreKit.Create("trouble");
    private ServerProcess? _server;
    private int _port;
    private string _data = "";

    public async Task InitializeAsync()
    {
        if (TestTools.Find(TestTool.RestServer) is not { } server)
            return; // the tests skip with the reason
        _data = _kit.NewDirectory("rest-data");
        _port = ServerProcess.FreePort();
        _server = await StartServerAsync(server);
        // 32 MiB in 4 MiB packs that restic reads at 512 KiB/s below: more than the packs restic has in
        // flight (and the kernel's socket buffers hold) when the server is killed, so restic needs the server again.
        var random = new Random(5);
        for (var i = 0; i < 8; i++)
        {
            var blob = new byte[4 << 20];
            random.NextBytes(blob);
            await File.WriteAllBytesAsync(Path.Combine(_kit.DataPath, $"blob-{i}.bin"), blob);
        }
        await _kit.InitAndBackupAsync(ResticEnvironment(), "--pack-size", "4");
    }

    private Task<ServerProcess> StartServerAsync(string server) =>
        ServerProcess.StartAsync("rest-server", server, ["--path", _data, "--listen", $"127.0.0.1:{_port}", "--no-auth"], ServerProcess.Accepts(_port), TimeSpan.FromSeconds(30));

    private Dictionary<string, string?> ResticEnvironment() => new()
    {
        ["RESTIC_REPOSITORY"] = $"rest:http://127.0.0.1:{_port}/repo",
        ["RESTIC_PASSWORD"] = Password,
    };

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _kit.Dispose();
    }

    /// <summary>A restic on PATH that reads at most 512 KiB/s, so the restore is still running when the test acts.</summary>
    private Dictionary<string, string> SlowRestic()
    {
        var bin = _kit.NewDirectory("slow-bin");
        File.WriteAllText(Path.Combine(bin, "restic"), "#!/bin/sh\nexec /usr/bin/restic --limit-download 512 \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "restic"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" };
    }

    private static readonly Dictionary<string, string> Secret = new() { ["RESTIC_PASSWORD"] = Password };

    private string Backend => $"rest:\n  url: http://127.0.0.1:{_port}/repo\n";

    /// <summary>Waits (bounded) until restic has created a first file under the kit's first target.</summary>
    private async Task WaitForRestoreToWriteAsync(Task running)
    {
        var restored = Path.Combine(_kit.Root, "restored-1", _kit.DataPath.TrimStart('/'));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(Directory.Exists(restored) && Directory.EnumerateFiles(restored, "blob-*").Any()))
        {
            Assert.False(running.IsCompleted, "the restore ended before it wrote a blob file");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "restic wrote no blob file within 60 s");
            await Task.Delay(50);
        }
    }

    [RequiresToolFact(TestTool.RestServer)]
    public async Task A_server_killed_mid_restore_fails_the_host_after_the_stall_timeout_with_restics_last_error()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var running = _kit.RestoreAsync(Backend, Secret, environment: SlowRestic(), extraArguments: ["--stall-timeout", "3s"]);
        await WaitForRestoreToWriteAsync(running);
        await _server!.DisposeAsync();
        _server = null;
        var killedAt = clock.Elapsed;

        var run = await running;

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "restic restored nothing for --stall-timeout 3s while retrying (restic was stopped)", Password);
        Assert.Contains($"dial tcp 127.0.0.1:{_port}: connect: connection refused", (string)run.Entry["error"]!, StringComparison.Ordinal);
        // 3 s of stall after the last byte, restic's stop (at most 4 s) and the status write; restic alone would retry ~15 min.
        Assert.True(run.Elapsed - killedAt < TimeSpan.FromSeconds(30), $"failed {run.Elapsed - killedAt} after the server was killed");
        Console.WriteLine($"host Failed {run.Elapsed - killedAt} after the server was killed");
    }

    [RequiresSigintDeliverableFact]
    public async Task A_deadline_stops_restic_within_5_seconds_and_no_lock_is_left()
    {
        if (TestTools.Find(TestTool.RestServer) is null)
            Assert.Fail("rest-server is missing (scripts/setup.sh installs it)");

        var run = await _kit.RestoreAsync(Backend, Secret, timeOut: "4s", environment: SlowRestic());

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "deadline exceeded", Password);
        var log = run.Result.Error + run.Result.Output;
        var stopped = StoppedAfter().Match(log);
        Assert.True(stopped.Success, $"no \"restic ended … after it was asked to stop\" line:\n{log}");
        var seconds = double.Parse(stopped.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(seconds < 5, $"restic took {seconds}s to stop");
        Console.WriteLine($"restic stopped {seconds}s after the deadline; restore ran {run.Elapsed}");
        var locks = await BackendRestoreKit.RunResticAsync(ResticEnvironment(), ["list", "locks", "--no-lock"]);
        Assert.True(string.IsNullOrWhiteSpace(locks), $"locks left in the repository: {locks}");
    }

    [GeneratedRegex(@"restic ended ([0-9.]+)s after it was asked to stop")]
    private static partial Regex StoppedAfter();
}
