using System.Globalization;
using System.Text.RegularExpressions;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Restic;

/// <summary>Finds restic and reads its version (<c>restic version</c>) and backends (<c>restic options</c>).</summary>
internal static partial class ResticLocator
{
    public const string DefaultProgram = "restic";

    /// <summary>
    /// Resolves <paramref name="program"/> (a name looked up on the PATH of
    /// <paramref name="environment"/>, or a path) and asks it for its version and, with
    /// <paramref name="readBackends"/>, its backends, both children at once.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">restic is missing, does not run, or is too old.</exception>
    public static async Task<ResticInstallation> FindAsync(
        IProcessRunner runner,
        IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken,
        string program = DefaultProgram,
        bool readBackends = true)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(environment);
        environment.TryGetValue("PATH", out var searchPath);
        var path = ProgramLocator.Find(program, searchPath)
            ?? throw new DependencyUnavailableException(program.Contains('/', StringComparison.Ordinal)
                ? $"restic not found at '{program}' (not an executable file)"
                : $"restic not found on PATH ({searchPath}); install restic >= {ResticFeatures.MinimumSupported} (0.17 or newer recommended; scripts/setup.sh installs 0.18 on Debian)");

        // Both children start at once: each is a Go runtime start-up (≈10–15 ms of CPU) and neither
        // needs the other's answer, so the dry run and the restore wait for the slower one, not the sum.
        var versionRun = ReadVersionAsync(runner, path, cancellationToken);
        var backendsRun = readBackends ? ReadBackendsAsync(runner, path, cancellationToken) : Task.FromResult<IReadOnlySet<string>?>(null);
        (Version Restic, Version? Go) version;
        try
        {
            version = await versionRun.ConfigureAwait(false);
        }
        catch (Exception e) when (e is DependencyUnavailableException or OperationCanceledException)
        {
            // The option list is moot now, but its child is reaped before we report, never left running.
            await ((Task)backendsRun).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        return new ResticInstallation(path, version.Restic) { Backends = await backendsRun.ConfigureAwait(false), GoVersion = version.Go };
    }

    /// <summary>Runs <c>restic version</c> and checks the release is one we support; also the Go it was built with.</summary>
    /// <exception cref="DependencyUnavailableException">restic does not run, says no version, or is too old.</exception>
    private static async Task<(Version Restic, Version? Go)> ReadVersionAsync(IProcessRunner runner, string path, CancellationToken cancellationToken)
    {
        var output = new List<string>();
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(
                ResticPlanner.Version(path),
                (_, line) => output.Add(line),
                cancellationToken).ConfigureAwait(false);
        }
        catch (ProgramNotFoundException e)
        {
            throw new DependencyUnavailableException($"restic not found: {e.Message}", e);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var version = output.Select(ParseVersion).FirstOrDefault(v => v is not null);
        if (result.ExitCode != 0 || version is null)
        {
            var said = output.LastOrDefault(l => !string.IsNullOrWhiteSpace(l)) ?? "no output";
            throw new DependencyUnavailableException($"'{path} version' did not report a version (exit {result.ExitCode}): {said}");
        }
        if (version < ResticFeatures.MinimumSupported)
            throw new DependencyUnavailableException($"restic {version} at {path} is too old: the oldest supported release is {ResticFeatures.MinimumSupported} (0.17 or newer recommended)");
        return (version, output.Select(ParseGoVersion).FirstOrDefault(v => v is not null));
    }

    /// <summary>
    /// The backends compiled in, from <c>restic options</c>: it lists the extended options of every
    /// backend the build has (<c>azure.connections</c>, <c>gs.region</c>…), and a backend left out
    /// of the build (Debian's restic ≥ 0.16 drops azure) has none. Local, offline, no repository
    /// touched. Null when restic gives no such list (then nothing is refused on its account).
    /// </summary>
    internal static async Task<IReadOnlySet<string>?> ReadBackendsAsync(IProcessRunner runner, string path, CancellationToken cancellationToken)
    {
        var output = new List<string>();
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(
                ResticPlanner.Options(path),
                (stream, line) =>
                {
                    if (stream == OutputStream.StandardOutput)
                        output.Add(line);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ProgramNotFoundException)
        {
            return null;
        }
        cancellationToken.ThrowIfCancellationRequested();
        return result.ExitCode == 0 ? ParseBackends(output) : null;
    }

    /// <summary>"  azure.connections   set a limit…" → "azure"; null unless restic's "All Extended Options:" list is there.</summary>
    public static IReadOnlySet<string>? ParseBackends(IEnumerable<string> lines)
    {
        var list = lines.Select(l => ResticOutput.Clean(l)).ToList();
        if (!list.Any(l => l.Trim().StartsWith("All Extended Options", StringComparison.OrdinalIgnoreCase)))
            return null;
        var backends = list.Select(l => OptionLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        return backends.Count > 0 ? backends : null;
    }

    [GeneratedRegex(@"^\s+([a-z0-9]+)\.[a-z0-9-]+\s")]
    private static partial Regex OptionLine();

    /// <summary>Reads "restic 0.18.0 compiled with go1.24.4 on linux/amd64" (also "0.18.0-dev (compiled manually)").</summary>
    public static Version? ParseVersion(string line) => Numbers(VersionLine().Match(line ?? ""));

    [GeneratedRegex(@"^restic (?:v)?(\d+)\.(\d+)(?:\.(\d+))?")]
    private static partial Regex VersionLine();

    /// <summary>"restic 0.18.0 compiled with go1.24.4 on linux/amd64" → 1.24.4 (also "go1.25rc1" → 1.25.0); null without one.</summary>
    public static Version? ParseGoVersion(string line) => Numbers(GoVersionWords().Match(line ?? ""));

    [GeneratedRegex(@"^restic .*\bcompiled with go(\d+)\.(\d+)(?:\.(\d+))?")]
    private static partial Regex GoVersionWords();

    /// <summary>major.minor[.patch] from a match's three groups (patch 0 when absent); null when it did not match.</summary>
    private static Version? Numbers(Match match) => match.Success
        ? new Version(
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
            match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0)
        : null;
}
