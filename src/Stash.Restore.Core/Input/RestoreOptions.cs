using Stash.Restore.Core.Logging;

namespace Stash.Restore.Core.Input;

/// <summary>
/// Every flag of <c>restore</c>, bound once right after parsing: plain values, so Core decides
/// from them without knowing the command-line parser. Defaults are the flags' defaults.
/// </summary>
internal sealed record RestoreOptions
{
    /// <summary><c>--restoresession</c>: the RestoreSession's name (cluster, or to pick one among <c>--objects</c>).</summary>
    public string? RestoreSession { get; init; }

    /// <summary><c>--namespace</c>; see <see cref="SessionNamespace"/> for the fallbacks.</summary>
    public string? Namespace { get; init; }
    public string? Kubeconfig { get; init; }
    public string? Master { get; init; }
    public string? InvokerKind { get; init; }
    public string? InvokerName { get; init; }
    public string? TargetKind { get; init; }
    public string? TargetName { get; init; }
    public string? TargetNamespace { get; init; }
    public string? SecretDir { get; init; }
    public bool EnableCache { get; init; } = true;

    /// <summary><c>--max-connections</c>; 0 = the Repository's or restic's default.</summary>
    public int MaxConnections { get; init; }

    public bool MetricsEnabled { get; init; }
    public string? PushgatewayUrl { get; init; }
    public string? PushgatewayCredentialsFile { get; init; }
    public string? RestoreModel { get; init; }
    public string? Host { get; init; }
    public string? ScratchDir { get; init; }
    public string? TargetDir { get; init; }
    public bool DryRun { get; init; }

    /// <summary><c>--preview</c>: with <c>--dry-run</c>, ask restic what each call would change in the target (default true).</summary>
    public bool Preview { get; init; } = true;
    public string? Hosts { get; init; }
    public int? Replicas { get; init; }

    /// <summary><c>--output</c>: the plan format of a dry run, <c>text</c> or <c>json</c>.</summary>
    public string Output { get; init; } = "text";

    public string? RestoreSessionFile { get; init; }
    public string? RepositoryFile { get; init; }
    public string? StatusFile { get; init; }
    /// <summary><c>--objects</c> files (empty when none).</summary>
    public IReadOnlyList<string> Objects { get; init; } = [];
    public string? Component { get; init; }
    public string? Snapshot { get; init; }

    /// <summary>Whether <c>--snapshot</c> was on the command line, even empty (KubeStash's Functions pass <c>--snapshot=</c>).</summary>
    public bool SnapshotGiven { get; init; }
    public string? Include { get; init; }
    public string? Exclude { get; init; }
    public bool Verify { get; init; }
    public bool FailOnMetadataErrors { get; init; }
    /// <summary><c>--repository-timeout</c>; zero leaves restic to its own retries.</summary>
    public TimeSpan RepositoryTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary><c>--stall-timeout</c>; zero never stops a restic that restores nothing while retrying.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>--skip-space-check</c>: restore even when the snapshot does not fit in the target's free space.</summary>
    public bool SkipSpaceCheck { get; init; }

    /// <summary><c>--api-retry-timeout</c>: how long one API call, retries included, may take; zero keeps the transport's budget.</summary>
    public TimeSpan ApiRetryTimeout { get; init; }
    public TimeSpan HookTimeout { get; init; } = Hooks.HookExecutorOptions.DefaultTimeout;
    public string OwnContainer { get; init; } = Hooks.HookExecutorOptions.DefaultOwnContainerName;
    public string LogFormat { get; init; } = "auto";
    public string? LogLevel { get; init; }

    /// <summary><c>--v</c>: klog verbosity, used when <see cref="LogLevel"/> is not given.</summary>
    public int Verbosity { get; init; }

    /// <summary>Compatibility flags that were given and have no effect (e.g. <c>--logtostderr</c>), as spelled.</summary>
    public IReadOnlyList<string> NoEffectFlagsGiven { get; init; } = [];

    /// <summary>Whether a dry run prints its plan as JSON.</summary>
    public bool JsonOutput => string.Equals(Output, "json", StringComparison.Ordinal);

    /// <summary>How the run logs: <c>--log-level</c> wins over <c>--v</c>.</summary>
    /// <param name="errorIsTerminal">Whether stderr is a terminal (decides <c>--log-format auto</c>); the caller knows, Core does not ask.</param>
    /// <exception cref="InvalidInputException">An unknown log level or format.</exception>
    public LogOptions LogOptions(bool errorIsTerminal)
    {
        var level = LogLevel is { } name ? LogLevels.Parse(name) : LogLevels.FromVerbosity(Verbosity);
        return new LogOptions(LogLevels.ParseFormat(LogFormat), level, errorIsTerminal);
    }
}
