using Stash.Restore.Core.Hosts;
using Stash.Restore.Core.Model;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Execution;

/// <summary>The objects a restore reads, however they were obtained (API or files).</summary>
/// <param name="RepositorySecret">The backend Secret's data; values are secrets.</param>
internal sealed record RestoreInputs(
    RestoreSession Session,
    Repository Repository,
    IReadOnlyDictionary<string, string> RepositorySecret,
    PodIdentity Pod,
    string? HostOverride);

/// <summary>Per-run settings from the command line.</summary>
internal sealed record RestoreSettings(
    string TargetDirectory,
    string ScratchDirectory,
    bool EnableCache = true,
    int? MaxConnections = null,
    bool Verify = false,
    ProcessPriority? PriorityOverride = null,
    bool FailOnMetadataErrors = false)
{
    /// <summary>restic's options for <paramref name="session"/>: nice/ionice and caching come from the session unless overridden.</summary>
    public Restic.ResticRestoreOptions ResticOptionsFor(RestoreSession session, bool resume)
    {
        var container = session.Spec.RuntimeSettings?.Container;
        var priority = PriorityOverride
            ?? (container?.Nice is null && container?.Ionice is null
                ? null
                : new ProcessPriority(container.Nice?.Adjustment, container.Ionice?.Class, container.Ionice?.ClassData));
        var cache = EnableCache && session.Spec.TempDir?.DisableCaching != true;
        return new Restic.ResticRestoreOptions(TargetDirectory, ScratchDirectory, cache, MaxConnections, priority, resume, Verify)
        {
            FailOnMetadataErrors = FailOnMetadataErrors,
        };
    }
}

/// <summary>How one executor's run ended; the CLI turns it into an exit code.</summary>
internal sealed record HostRestoreOutcome(string Hostname, string Phase, int ExitCode, string? Error, string Summary);

/// <summary>
/// Why the run is being stopped from outside (SIGTERM/SIGINT). Set by the CLI before it
/// cancels the run's token, read by the pipeline to record the cause and pick the exit code.
/// </summary>
internal sealed class Interruption
{
    private volatile string? _reason;

    public string? Reason => _reason;

    public int ExitCode { get; private set; } = ExitCodes.RestoreFailed;

    public void Record(string reason, int exitCode)
    {
        ExitCode = exitCode;
        _reason = reason;
    }
}

/// <summary>
/// Stash operators pass the container's nice/ionice settings as environment variables too
/// (<c>NICE_ADJUSTMENT</c>, <c>IONICE_CLASS</c>, <c>IONICE_CLASS_DATA</c>); when set, they win over the
/// RestoreSession's <c>runtimeSettings.container</c>.
/// </summary>
internal static class StashPriorityEnvironment
{
    public static ProcessPriority? Read(IReadOnlyDictionary<string, string> environment)
    {
        var nice = Number(environment, "NICE_ADJUSTMENT");
        var ioClass = Number(environment, "IONICE_CLASS");
        var ioClassData = Number(environment, "IONICE_CLASS_DATA");
        return nice is null && ioClass is null && ioClassData is null ? null : new ProcessPriority(nice, ioClass, ioClassData);
    }

    private static int? Number(IReadOnlyDictionary<string, string> environment, string name)
    {
        if (!environment.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            return null;
        return int.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidInputException($"environment variable {name}=\"{text}\" is not a whole number");
    }
}
