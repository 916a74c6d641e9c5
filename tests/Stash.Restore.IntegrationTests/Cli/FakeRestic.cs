namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// A small <c>restic</c> script put first on PATH, for behaviour that needs restic to misbehave
/// (per-file errors, a restore that never ends). It is a real child process: it answers
/// <c>version</c> as restic 0.18 does, <c>snapshots</c> (the space check's listing) with no snapshot
/// (so no size is known and the check is skipped), records every other argv line in <see cref="ArgvLog"/>,
/// prints the given lines (restic's JSON message shapes) and exits with the given code.
/// </summary>
internal sealed class FakeRestic
{
    private FakeRestic(string bin, string argvLog)
    {
        Bin = bin;
        ArgvLog = argvLog;
    }

    /// <summary>Directory holding the script; put it first on PATH.</summary>
    public string Bin { get; }

    /// <summary>One line per call: the arguments restic received, space-separated.</summary>
    public string ArgvLog { get; }

    /// <summary>Environment for <see cref="CliHarness"/> with the script first on PATH.</summary>
    public Dictionary<string, string> Environment => new() { ["PATH"] = $"{Bin}:{System.Environment.GetEnvironmentVariable("PATH")}" };

    /// <summary>
    /// Writes the script under <paramref name="directory"/>: <c>restore</c> prints
    /// <paramref name="stdout"/> and <paramref name="stderr"/>, sleeps <paramref name="sleepSeconds"/>
    /// (as <c>exec sleep</c>, so a signal to restic reaches the sleeper) and exits <paramref name="exitCode"/>;
    /// <paramref name="beforeExit"/> is a shell command run just before (a side effect the test needs).
    /// </summary>
    public static FakeRestic Create(string directory, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr, int exitCode, int sleepSeconds = 0, string? beforeExit = null)
    {
        var bin = Directory.CreateDirectory(Path.Combine(directory, "fake-bin")).FullName;
        var argvLog = Path.Combine(directory, "fake-restic-argv.log");
        var script = new System.Text.StringBuilder("#!/bin/sh\n");
        script.Append("if [ \"$1\" = version ]; then echo 'restic 0.18.0 compiled with go1.24.4 on linux/amd64'; exit 0; fi\n");
        // An upstream build's option list (every backend), as restic 0.18 prints it.
        script.Append("if [ \"$1\" = options ]; then printf 'All Extended Options:\\n  azure.connections  x\\n  b2.connections  x\\n  gs.connections  x\\n  local.connections  x\\n  rest.connections  x\\n  s3.connections  x\\n  swift.connections  x\\n'; exit 0; fi\n");
        script.Append("if [ \"$1\" = snapshots ]; then echo '[]'; exit 0; fi\n");
        script.Append($"echo \"$*\" >> '{argvLog}'\n");
        script.Append($"echo \"$RESTIC_REPOSITORY\" >> '{argvLog}.repository'\n");
        foreach (var line in stdout)
            script.Append($"printf '%s\\n' '{Quote(line)}'\n");
        foreach (var line in stderr)
            script.Append($"printf '%s\\n' '{Quote(line)}' >&2\n");
        if (beforeExit is not null)
            script.Append(beforeExit).Append('\n');
        if (sleepSeconds > 0)
            script.Append($"exec sleep {sleepSeconds}\n");
        script.Append($"exit {exitCode}\n");
        var path = Path.Combine(bin, "restic");
        File.WriteAllText(path, script.ToString());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new FakeRestic(bin, argvLog);
    }

    /// <summary>The <c>RESTIC_REPOSITORY</c> each call other than <c>version</c> received, in order.</summary>
    public IReadOnlyList<string> Repositories() => File.Exists(ArgvLog + ".repository") ? File.ReadAllLines(ArgvLog + ".repository") : [];

    /// <summary>The argv lines of the calls other than <c>version</c>; empty when restic never restored.</summary>
    public IReadOnlyList<string> Calls() => File.Exists(ArgvLog) ? File.ReadAllLines(ArgvLog) : [];

    // Single-quoted shell word: a quote closes, is escaped, and reopens.
    private static string Quote(string text) => text.Replace("'", "'\\''", StringComparison.Ordinal);
}
