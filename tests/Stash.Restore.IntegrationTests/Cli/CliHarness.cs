using Stash.Restore.Cli;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Processes.Cgroups;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs <c>stash-restore</c> in-process, as Bicep's CLI tests do: the real command tree and the real
/// process runner (so real restic), with string writers and a chosen environment.
/// </summary>
internal static class CliHarness
{
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) => RunAsync(null, environment, args);

    /// <summary>As <see cref="RunAsync(IReadOnlyDictionary{string, string}?, string[])"/>, reading the container's limits from <paramref name="cgroups"/> (sample files).</summary>
    public static async Task<CliResult> RunAsync(CgroupFiles? cgroups, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            env[key] = value;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost(env, output, error, TimeProvider.System, new ProcessRunner(), "test-machine", false, new Interruption()) { Cgroups = cgroups };
        var code = await CliApp.RunAsync(host, args, CancellationToken.None);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(null, args);
}
