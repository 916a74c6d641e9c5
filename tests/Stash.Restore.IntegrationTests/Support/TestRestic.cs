using System.Globalization;
using System.Text;
using System.Text.Json;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// Real restic pointed at one repository with its password, for the tests' own set-up
/// (init, backup), not for the code under test.
/// </summary>
internal sealed record TestRestic(ResticInstallation Restic, string Repository, string Password)
{
    private static readonly IProcessRunner Processes = new ProcessRunner();

    /// <summary>Environment for restic calls on <see cref="Repository"/> (time zone pinned so <c>--time</c> is UTC).</summary>
    public Dictionary<string, string?> Environment() => new()
    {
        ["RESTIC_REPOSITORY"] = Repository,
        ["RESTIC_PASSWORD"] = Password,
        ["TZ"] = "UTC",
        ["RESTIC_PASSWORD_FILE"] = null,
        ["RESTIC_PASSWORD_COMMAND"] = null,
    };

    /// <summary>Runs restic (without a cache); returns stdout, throws with stderr on a non-zero exit.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var result = await Processes.RunAsync(
            new ProcessSpec(Restic.Path, [.. arguments, "--no-cache"], Environment()),
            (stream, line) => (stream == OutputStream.StandardOutput ? stdout : stderr).AppendLine(line),
            CancellationToken.None).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"restic {string.Join(' ', arguments)} exited {result.ExitCode}: {stderr}");
        return stdout.ToString();
    }

    /// <summary>
    /// Backs up <paramref name="paths"/> (absolute) in one snapshot as <paramref name="host"/> with the
    /// snapshot time <paramref name="time"/>; returns the snapshot's full id.
    /// </summary>
    public async Task<string> BackupAsync(string host, DateTimeOffset time, params string[] paths)
    {
        var output = await RunAsync(["backup", "--json", "--host", host,
            "--time", time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), .. paths]).ConfigureAwait(false);
        foreach (var line in output.Split('\n').Reverse())
        {
            if (!line.Contains("\"summary\"", StringComparison.Ordinal))
                continue;
            using var document = JsonDocument.Parse(line);
            return document.RootElement.GetProperty("snapshot_id").GetString()!;
        }
        throw new InvalidOperationException($"restic backup printed no summary: {output}");
    }
}
