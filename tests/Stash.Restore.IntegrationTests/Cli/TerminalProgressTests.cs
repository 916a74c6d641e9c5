using System.Diagnostics;
using System.Text.RegularExpressions;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// 8 MB of random data backed up in 4 MiB packs, and a restic on PATH that is the real one slowed by its own
/// <c>--limit-download</c> and reading one pack at a time, so a restore lasts about four seconds and
/// restic's progress moves pack by pack.
/// </summary>
public sealed partial class SlowRestoreFixture : IAsyncLifetime
{
    internal TestRepository Repo { get; private set; } = null!;

    internal string DataPath { get; private set; } = "";

    /// <summary>A folder holding <c>restic</c>: the real restic with <c>--limit-download</c> appended; put it first on PATH.</summary>
    internal string SlowResticDirectory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Repo = await TestRepository.CreateAsync();
        DataPath = Path.Combine(Repo.Root, "data");
        var tree = TestTree.At(DataPath);
        for (var i = 0; i < 4; i++)
            tree.RandomFile($"part-{i}.bin", 2_000_000, seed: i);
        await Repo.RunResticAsync("backup", "--host", "host-0", "--pack-size", "4", DataPath);
        SlowResticDirectory = Repo.CreateDirectory("slow-restic");
        var wrapper = Path.Combine(SlowResticDirectory, "restic");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec '{Repo.Restic.Path}' \"$@\" --limit-download 2000 -o local.connections=1\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public Task DisposeAsync()
    {
        Repo.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// On a terminal (stderr a pseudo-terminal, text logs) restic's progress is one live line redrawn in place and
/// replaced by the summary; without a terminal, or with JSON logs, the output is the log lines it always was.
/// The executor (published binary when <c>STASH_RESTORE_BINARY</c> is set) runs under util-linux's
/// <c>script</c>, which gives it a pseudo-terminal and copies what it draws.
/// </summary>
public sealed partial class TerminalProgressTests(SlowRestoreFixture restore) : IClassFixture<SlowRestoreFixture>, IDisposable
{
    private readonly WorkDirectory _work = new("live-progress-");

    public void Dispose() => _work.Dispose();

    private string[] Args(params string[] extra)
    {
        var session = Path.Combine(_work.Path, "rs.yaml");
        File.WriteAllText(session, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {"{"}name: rs, namespace: demo{"}"}
            spec:
              repository: {"{"}name: repo{"}"}
              target:
                rules:
                  - paths: ["{restore.DataPath}"]
            """);
        var repository = Path.Combine(_work.Path, "repo.yaml");
        File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: repo, namespace: demo}}\nspec:\n  backend:\n    local: {{mountPath: {restore.Repo.RepositoryPath}}}\n");
        var secret = Directory.CreateDirectory(Path.Combine(_work.Path, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), restore.Repo.Password);
        return ["restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret, "--host", "host-0",
            "--target-dir", Path.Combine(_work.Path, "target"), "--scratch-dir", Path.Combine(_work.Path, "scratch"),
            "--status-file", Path.Combine(_work.Path, "status.json"), .. extra];
    }

    /// <param name="slow">The slowed restic first on PATH: only a restore that lasts shows its progress moving.</param>
    private Dictionary<string, string> Environment(bool slow) => new()
    {
        ["PATH"] = slow ? $"{restore.SlowResticDirectory}:{System.Environment.GetEnvironmentVariable("PATH")}" : System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        ["TERM"] = "xterm-256color",
    };

    /// <summary>Runs the executor under <c>script -qfec</c>: a pseudo-terminal for its stdin, stdout and stderr; returns what it drew.</summary>
    private async Task<(int ExitCode, string Screen)> RunOnTerminalAsync(string[] args, bool slow)
    {
        var command = string.Join(' ', ExecutorProcess.Command().Concat(args).Select(Quote));
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var word in new[] { "-qfec", command, "/dev/null" })
            start.ArgumentList.Add(word);
        foreach (var (name, value) in Environment(slow))
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var screen = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(string.IsNullOrEmpty(await error), await error);
        return (process.ExitCode, await screen);
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // A drawing of the live line: "<CR>  50% ━━━…" (Spectre.Console colours the bar).
    [GeneratedRegex(@"\r\s*(\d{1,3})% ")]
    private static partial Regex LiveLine();

    [GeneratedRegex(@"\u001b\[[0-9;?]*[A-Za-z]|\u001b=")]
    private static partial Regex AnsiSequence();

    [Fact]
    public async Task On_a_terminal_the_progress_is_one_line_redrawn_in_place_then_replaced_by_the_summary()
    {
        var (exitCode, screen) = await RunOnTerminalAsync(Args("--log-format", "text"), slow: true);

        Assert.True(exitCode == ExitCodes.Success, screen);
        var drawings = LiveLine().Matches(screen);
        Assert.True(drawings.Count >= 3, $"expected the live line drawn again and again, got {drawings.Count} drawings:\n{screen}");
        var percents = drawings.Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(percents, p => p is > 0 and < 100);
        Assert.Equal(percents.Order(), percents);
        // Bytes done of total, rate, time left and files done of total, as restic counts them.
        var plain = AnsiSequence().Replace(screen, "");
        Assert.Matches(@"\d+\.\d/7\.6 MiB [0-9.]+ (B|KiB|MiB)/s, (\d+:\d\d|--:--) left, host-0: \d of 7 files/dirs", plain);
        // After the last drawing the line is cleared (ESC[2K) and the summary takes its place.
        var last = drawings[^1].Index;
        var cleared = screen.IndexOf("\u001b[2K", last, StringComparison.Ordinal);
        var summary = screen.IndexOf("Restored host \"host-0\"", last, StringComparison.Ordinal);
        Assert.True(cleared > last && summary > cleared, $"expected the live line cleared and then the summary:\n{screen[last..]}");
        Assert.DoesNotContain("Restoring: ", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_with_JSON_logs_there_is_no_live_line()
    {
        var (exitCode, screen) = await RunOnTerminalAsync(Args("--log-format", "json"), slow: false);

        Assert.True(exitCode == ExitCodes.Success, screen);
        Assert.Empty(LiveLine().Matches(screen));
        // .NET itself sets the keypad mode once on a terminal (ESC[?1h ESC=); nothing else draws.
        Assert.DoesNotContain("\u001b[", screen.Replace("\u001b[?1h\u001b=", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.All(screen.Replace("\u001b[?1h\u001b=", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            line => Assert.StartsWith("{", line.TrimEnd('\r'), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_terminal_the_output_is_log_lines_only()
    {
        var result = await ExecutorProcess.RunAsync(Args("--log-format", "text"), Environment(slow: true));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.DoesNotContain('\r', result.Error);
        Assert.DoesNotContain("\u001b", result.Error, StringComparison.Ordinal);
        Assert.All(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^\d\d:\d\d:\d\d (INF|WRN|DBG) ", line));
        Assert.Contains("Restored host \"host-0\"", result.Error, StringComparison.Ordinal);
    }
}
