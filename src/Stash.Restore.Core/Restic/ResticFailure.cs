using System.Globalization;
using System.Text.RegularExpressions;

namespace Stash.Restore.Core.Restic;

/// <summary>What an ended restic call's exit code, signal and last words mean.</summary>
internal enum ResticVerdict
{
    /// <summary>The call did what it was asked.</summary>
    Succeeded,

    /// <summary>restic found no snapshot to restore: the runner says what exists.</summary>
    NoSnapshot,

    /// <summary>restic died by a SIGKILL the executor did not send: the runner asks the memory cgroup why.</summary>
    KilledBySigkill,

    /// <summary>Failed, for the reason in <see cref="ResticFailure.Classification.Message"/>.</summary>
    Failed,
}

/// <summary>
/// restic's failures told apart by what restic 0.14–0.18 exit with and say (its <c>exit_error</c> or last
/// stderr line), in words a user can act on: a wrong password, a missing or locked repository, a refused
/// login, files that could not be restored. Pure: the runner gathers the facts and masks the result.
/// </summary>
internal static partial class ResticFailure
{
    /// <summary>The facts of one ended restic restore call.</summary>
    /// <param name="Said">restic's own last words (its fatal error, else its last stderr line), as printed.</param>
    /// <param name="DataErrors">Per-item errors about data (not ownership/permissions).</param>
    /// <param name="FileErrors">Those errors and the metadata warnings in words ("3 error(s) on 2 path(s) (first: …)").</param>
    internal sealed record CallEnd(int ExitCode, int? Signal, string? Said, int DataErrors, long MetadataWarnings, bool FailOnMetadataErrors, string FileErrors);

    internal sealed record Classification(ResticVerdict Verdict, string? Message = null);

    public static Classification Classify(CallEnd end, string repository)
    {
        ArgumentNullException.ThrowIfNull(end);
        var code = end.ExitCode;
        var said = StripFatal(end.Said);
        var filesFailed = end.DataErrors > 0 || (end.MetadataWarnings > 0 && end.FailOnMetadataErrors);
        if (code == ResticExitCodes.Success)
            return filesFailed ? Failed(end.FileErrors) : new Classification(ResticVerdict.Succeeded);

        if (code == ResticExitCodes.Error && said is not null && NoSnapshotSaid().IsMatch(said))
            return new Classification(ResticVerdict.NoSnapshot);
        // restic wraps a refused login in "unable to open config file … Is there a repository at …?":
        // checked first, so a wrong REST password is not reported as a missing repository.
        if (code is ResticExitCodes.Error or ResticExitCodes.NoRepository && said is not null && AuthenticationFailed().IsMatch(said))
            return Failed($"authentication failed for repository {repository} (exit {code}): {RepositoryHint().Replace(said, "")}; check the credentials in the backend Secret (REST_SERVER_USERNAME/REST_SERVER_PASSWORD for a REST server)");
        if (code == ResticExitCodes.NoRepository || (code == ResticExitCodes.Error && said is not null && NoRepository().IsMatch(said)))
            return Failed($"no repository at {repository} (exit {code}): {said ?? "restic found no repository"}");
        if (code == ResticExitCodes.Locked || (code == ResticExitCodes.Error && said is not null && Locked().IsMatch(said)))
            return Failed($"repository {repository} is locked (exit {code}): {said ?? "locked"}; a stale lock left by a killed restic is removed with `restic unlock` (see `restic list locks`)");
        if (code == ResticExitCodes.WrongPassword || (code == ResticExitCodes.Error && said is not null && WrongPassword().IsMatch(said)))
            return Failed($"wrong password for repository {repository} (exit {code}); check RESTIC_PASSWORD in the backend Secret");
        if (code == ResticExitCodes.Interrupted)
            return Failed("interrupted (exit 130)");
        if (end.Signal == ResticExitCodes.SigKill)
            return new Classification(ResticVerdict.KilledBySigkill);
        if (end.Signal is { } signal and not 1 and not 2)
            return Failed($"killed by signal {signal} (exit {code})");

        if (code == ResticExitCodes.Error)
        {
            if (filesFailed)
                return Failed(end.FileErrors);
            if (end.MetadataWarnings > 0 && (said is null || ErrorCount().IsMatch(said)))
                return new Classification(ResticVerdict.Succeeded); // only ownership/permission errors, reported as warnings
            return Failed(said ?? "restic exited 1 without an error message");
        }
        return Failed($"restic exited with unexpected code {code}{(said is null ? "" : ": " + said)}");
    }

    private static Classification Failed(string message) => new(ResticVerdict.Failed, message);

    /// <summary>
    /// "3 error(s) on 2 path(s) (first: …)": restic reports an error per failed operation (a file's
    /// every blob may fail), so errors are counted as errors and the paths they concern apart.
    /// </summary>
    public static string FileErrors(IReadOnlyList<string> dataErrors, int dataErrorPaths, long metadataWarnings)
    {
        ArgumentNullException.ThrowIfNull(dataErrors);
        var parts = new List<string>();
        if (dataErrors.Count > 0)
        {
            var paths = dataErrorPaths > 0 ? string.Create(CultureInfo.InvariantCulture, $" on {dataErrorPaths} path(s)") : "";
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{dataErrors.Count} error(s){paths} (first: {dataErrors[0]})"));
        }
        if (metadataWarnings > 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{metadataWarnings} ownership/permission error(s)"));
        return string.Join("; ", parts);
    }

    /// <summary>
    /// Why restic died by a SIGKILL the executor did not send (<see cref="ResticVerdict.KilledBySigkill"/>):
    /// the memory cgroup's OOM-kill count before restic started and after it ended tells the kernel's OOM
    /// killer from a person or another program; where it cannot be read, that is said rather than guessed.
    /// An OOM kill names the container's limit, the Go memory settings restic had and the setting to raise.
    /// </summary>
    public static string KilledBySigkill(ResticPlan plan, long? oomKillsBefore, long? oomKillsAfter, int code)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var options = plan.Options;
        if (oomKillsBefore is not { } before || oomKillsAfter is not { } after)
            return $"killed by SIGKILL (exit {code}), not sent by the executor; the container's memory cgroup keeps no OOM-kill count here, so whether the kernel's OOM killer sent it is unknown";
        if (after == before)
            return $"killed by SIGKILL (exit {code}), not by the kernel's OOM killer (the memory cgroup's oom_kill count did not change) and not by the executor: another process or a person killed restic";
        var runtime = plan.GoRuntime.Variables.TryGetValue(GoRuntimeEnvironment.MemoryLimitVariable, out var limit)
            ? $"restic had {GoRuntimeEnvironment.MemoryLimitVariable}={limit}"
            : options?.InheritedGoVariables.Where(v => v.Key is GoRuntimeEnvironment.MemoryLimitVariable or GoRuntimeEnvironment.GcPercentVariable).ToList() is { Count: > 0 } own
            ? $"restic had {string.Join(" and ", own.Select(v => $"{v.Key}={v.Value}"))} from the pod's environment"
            : null;
        if (options?.Container.Memory is not { } memory)
            return $"killed by the kernel's OOM killer (SIGKILL, exit {code}): the node ran out of memory (the container has no memory limit){(runtime is null ? "" : $"; {runtime}")}";
        var raise = options.MemoryLimitSetting is { } setting ? $"raise {setting}" : "raise the container's memory limit";
        return $"killed by the kernel's OOM killer (SIGKILL, exit {code}): restic reached the container's memory limit of {memory.Describe()} ({memory.Source})"
            + $"{(runtime is null ? "" : $" ({runtime})")}; {raise}";
    }

    /// <summary>A line that complains (an error, a warning, a refusal), as opposed to progress or chatter.</summary>
    public static bool LooksLikeTrouble(string line) => Trouble().IsMatch(line) && !VanishedLock().IsMatch(line);

    /// <summary>restic's complaint without its "… returned error, retrying after 2.6s: " prefix.</summary>
    public static string WithoutRetryPrefix(string line) => RetryPrefix().Replace(line, "");

    /// <summary>restic's words on one line, without its "Fatal: " prefix; null when it said nothing.</summary>
    public static string? StripFatal(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return null;
        var text = OneLine(line);
        return text.StartsWith("Fatal: ", StringComparison.Ordinal) ? text["Fatal: ".Length..] : text;
    }

    /// <summary>Several lines as one, for status, Events and one-line errors.</summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [GeneratedRegex("no snapshot found|latest snapshot not found|snapshot for criteria not found|no matching ID", RegexOptions.IgnoreCase)]
    private static partial Regex NoSnapshotSaid();

    [GeneratedRegex("repository does not exist|unable to open config file|Is there a repository at", RegexOptions.IgnoreCase)]
    private static partial Regex NoRepository();

    // rest-server: "unexpected HTTP response (401): 401 Unauthorized".
    [GeneratedRegex(@"\(401\)|\b401 Unauthorized\b", RegexOptions.IgnoreCase)]
    private static partial Regex AuthenticationFailed();

    [GeneratedRegex(@"\s*Is there a repository at the following location\?.*$", RegexOptions.IgnoreCase)]
    private static partial Regex RepositoryHint();

    [GeneratedRegex("repository is already locked|unable to create lock", RegexOptions.IgnoreCase)]
    private static partial Regex Locked();

    [GeneratedRegex("wrong password or no key found", RegexOptions.IgnoreCase)]
    private static partial Regex WrongPassword();

    [GeneratedRegex("error|fatal|fail|unable|cannot|warning|denied|not found|invalid", RegexOptions.IgnoreCase)]
    private static partial Regex Trouble();

    // Another restic reading the same repository removed its lock between this restic's listing and its read
    // (several replicas restoring from one repository): restic goes on, nothing is wrong.
    [GeneratedRegex(@"^Load\(<lock/[0-9a-f]+>, \d+, \d+\) (failed|returned error[^:]*): .*(no such file or directory|does not exist|not found)", RegexOptions.IgnoreCase)]
    private static partial Regex VanishedLock();

    // "Stat(<config/>) returned error, retrying after 708.99ms: " before the error itself.
    [GeneratedRegex(@"^.*? returned error, retrying after [^:]+: ")]
    private static partial Regex RetryPrefix();

    [GeneratedRegex(@"^There were \d+ errors?$", RegexOptions.IgnoreCase)]
    private static partial Regex ErrorCount();
}
