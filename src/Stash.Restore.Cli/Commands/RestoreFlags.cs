using System.CommandLine;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// Every flag of <c>restore</c>: the ones a Stash operator injects (so the image is a drop-in),
/// the offline ones, and our own.
/// </summary>
internal sealed class RestoreFlags
{
    public Option<string?> RestoreSession { get; } = new("--restoresession", "--restore-session") { Description = "Name of the RestoreSession to restore (cluster mode)." };
    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "Namespace of the RestoreSession. Default: POD_NAMESPACE, then the service account's namespace." };
    public Option<string?> Kubeconfig { get; } = new("--kubeconfig") { Description = "Path to a kubeconfig. Default: in-cluster service account, then KUBECONFIG, then ~/.kube/config." };
    public Option<string?> Master { get; } = new("--master") { Description = "API server address; overrides the kubeconfig's server." };
    public Option<string?> InvokerKind { get; } = new("--invoker-kind") { Description = "Kind of the invoker (RestoreSession), as the operator passes it." };
    public Option<string?> InvokerName { get; } = new("--invoker-name") { Description = "Name of the invoker; with --invoker-kind=RestoreSession it names the RestoreSession." };
    public Option<string?> TargetKind { get; } = new("--target-kind") { Description = "Kind of the restore target; must match spec.target.ref." };
    public Option<string?> TargetName { get; } = new("--target-name") { Description = "Name of the restore target; must match spec.target.ref." };
    public Option<string?> TargetNamespace { get; } = new("--target-namespace") { Description = "Namespace of the restore target." };
    public Option<string?> SecretDir { get; } = new("--secret-dir") { Description = "Directory with the backend Secret's keys as files (a mounted Secret). Default in cluster mode: read the Secret through the API." };
    public Option<bool> EnableCache { get; } = new("--enable-cache") { Description = "Use a restic cache under the scratch directory.", DefaultValueFactory = _ => true };
    public Option<int> MaxConnections { get; } = new("--max-connections") { Description = "Backend connections for restic (gcs, azure, b2); 0 = the Repository's or restic's default.", DefaultValueFactory = _ => 0 };
    public Option<bool> MetricsEnabled { get; } = new("--metrics-enabled") { Description = "Push this host's restore metrics to the Pushgateway." };
    public Option<string?> PushgatewayUrl { get; } = new("--pushgateway-url") { Description = "Pushgateway base URL, e.g. http://stash-operator.kube-system.svc:56789. Basic-auth credentials: PUSHGATEWAY_USERNAME/PUSHGATEWAY_PASSWORD or --pushgateway-credentials-file (user:pw@ in the URL works but shows in the process list)." };
    public Option<string?> PushgatewayCredentialsFile { get; } = new("--pushgateway-credentials-file") { Description = "File whose first line is username:password for the Pushgateway's basic auth (wins over PUSHGATEWAY_USERNAME/PUSHGATEWAY_PASSWORD and the URL's user info)." };
    public Option<string?> RestoreModel { get; } = new("--restore-model") { Description = "init-container or job (informational; the host is computed from the target)." };
    public Option<string?> Host { get; } = new("--host") { Description = "Restore as this host, overriding the computed host name." };
    public Option<string?> ScratchDir { get; } = new("--scratch-dir") { Description = "Cache, temp files and credential files. Default: /stash-tmp if it exists, else ~/.cache/stash-restore (XDG_CACHE_HOME), else a new randomly named folder in the temp dir." };
    public Option<string?> TargetDir { get; } = new("--target-dir") { Description = "Restore under this root instead of / (for inspection)." };
    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Resolve everything and print the plan; restore and write nothing." };
    public Option<bool> Preview { get; } = new("--preview") { Description = "With --dry-run: ask restic (0.17 or newer) what each call would change in the target as it is now (restore --dry-run: files new, updated, unchanged, deleted, bytes), writing nothing; --preview=false prints the plan without reading the repository.", DefaultValueFactory = _ => true };
    public Option<string?> Hosts { get; } = new("--hosts") { Description = "With --dry-run: preview these hosts at once (host-0,host-1 or all): rule, source host, and the snapshot each restic call resolves to now." };
    public Option<int?> Replicas { get; } = new("--replicas") { Description = "With --hosts all: the target's number of replicas (default: spec.target.replicas)." };
    public Option<string> Output { get; } = new("--output", "-o") { Description = "Plan format for --dry-run: text or json.", DefaultValueFactory = _ => "text" };
    public Option<string?> RestoreSessionFile { get; } = new("--restoresession-file") { Description = "Offline: read the RestoreSession from this YAML/JSON file instead of the API." };
    public Option<string?> RepositoryFile { get; } = new("--repository-file") { Description = "Offline: read the Repository from this YAML/JSON file." };
    public Option<string?> StatusFile { get; } = new("--status-file") { Description = "Offline: keep status in this JSON file (upserted per host). Default: print it to stdout." };
    public Option<string[]> Objects { get; } = new("--objects") { Description = "Offline: read the API's objects from this YAML/JSON file (repeatable; multi-document or a List): the RestoreSession, and for KubeStash its Snapshot(s), Repository, BackupStorage and Secrets; for Stash its Repository and Secret.", AllowMultipleArgumentsPerToken = false };
    public Option<string?> Component { get; } = new("--component") { Description = "KubeStash: the component to restore. Default: COMPONENT_NAME, KUBESTASH_COMPONENT_NAME, else the only selected component." };
    public Option<string?> Snapshot { get; } = new("--snapshot") { Description = "KubeStash: the Snapshot to restore (a name or latest). Default: spec.dataSource.snapshot." };
    public Option<string?> Include { get; } = new("--include") { Description = "KubeStash: restic --include patterns, comma-separated (empty = unset; default: the task's include param)." };
    public Option<string?> Exclude { get; } = new("--exclude") { Description = "KubeStash: restic --exclude patterns, comma-separated (empty = unset; default: the task's exclude param)." };
    public Option<bool> Verify { get; } = new("--verify") { Description = "Verify restored file contents (restic --verify); a mismatch fails the host." };
    public Option<bool> FailOnMetadataErrors { get; } = new("--fail-on-metadata-errors") { Description = "Fail the host when restic could not restore owners or permissions (by default these are counted as warnings; data errors always fail)." };
    public Option<string> RepositoryTimeout { get; } = new("--repository-timeout") { Description = "Give up when restic has not read the repository's config after this long (server unreachable, certificate refused), e.g. 2m, 30s; 0 leaves restic to its own retries (about 15 minutes). A reachable but slow repository is bounded only by spec.timeOut.", DefaultValueFactory = _ => "2m" };
    public Option<string> StallTimeout { get; } = new("--stall-timeout") { Description = "Stop restic and fail the host when it has restored nothing for this long while reporting retries or errors (storage gone mid-restore), e.g. 10m, 90s; 0 leaves restic to its own retries (about 15 minutes per request).", DefaultValueFactory = _ => "10m" };
    public Option<bool> SkipSpaceCheck { get; } = new("--skip-space-check") { Description = "Restore even when the snapshot's size (restic 0.17+ snapshots keep it) exceeds the free space of the target's filesystem; by default such a restore is refused before anything is written." };
    public Option<string> ApiRetryTimeout { get; } = new("--api-retry-timeout") { Description = "Give up on an API call after this long, its retries included (a status write: all its rounds), e.g. 30s; 0 keeps the client's own budget (2m a request, 3m a status write).", DefaultValueFactory = _ => "0" };
    public Option<TimeSpan> HookTimeout { get; } = new("--hook-timeout") { Description = "Time limit for each preRestore/postRestore hook, e.g. 00:05:00.", DefaultValueFactory = _ => Core.Hooks.HookExecutorOptions.DefaultTimeout };
    public Option<string> OwnContainer { get; } = new("--own-container") { Description = "Name of the executor's own container: exec hooks for it (or with no containerName) run locally.", DefaultValueFactory = _ => Core.Hooks.HookExecutorOptions.DefaultOwnContainerName };
    public Option<string> LogFormat { get; } = new("--log-format") { Description = "Log format: text, json or auto (text on a terminal, else JSON).", DefaultValueFactory = _ => "auto" };
    public Option<string?> LogLevel { get; } = new("--log-level") { Description = "Log level: debug, info, warn, error. Overrides --v." };

    /// <summary>klog's set and the other flags Stash operators pass, <c>--backoff-max-wait</c> with them; <c>--v</c> maps to a level.</summary>
    public OperatorCompatibilityFlags Compatibility { get; } = new(OperatorCompatibilityFlags.BackoffMaxWait);

    /// <summary>Every value of a parsed <c>restore</c> command line, once: nothing after this reads the <see cref="ParseResult"/>.</summary>
    /// <remarks>A flag the parsed command does not have (another command sharing some of these) gets its default, as if not given.</remarks>
    public RestoreOptions Bind(ParseResult parse) => new()
    {
        RestoreSession = Value(parse, RestoreSession),
        Namespace = Value(parse, Namespace),
        Kubeconfig = Value(parse, Kubeconfig),
        Master = Value(parse, Master),
        InvokerKind = Value(parse, InvokerKind),
        InvokerName = Value(parse, InvokerName),
        TargetKind = Value(parse, TargetKind),
        TargetName = Value(parse, TargetName),
        TargetNamespace = Value(parse, TargetNamespace),
        SecretDir = Value(parse, SecretDir),
        EnableCache = Value(parse, EnableCache),
        MaxConnections = Value(parse, MaxConnections),
        MetricsEnabled = Value(parse, MetricsEnabled),
        PushgatewayUrl = Value(parse, PushgatewayUrl),
        PushgatewayCredentialsFile = Value(parse, PushgatewayCredentialsFile),
        RestoreModel = Value(parse, RestoreModel),
        Host = Value(parse, Host),
        ScratchDir = Value(parse, ScratchDir),
        TargetDir = Value(parse, TargetDir),
        DryRun = Value(parse, DryRun),
        Preview = Value(parse, Preview),
        Hosts = Value(parse, Hosts),
        Replicas = Value(parse, Replicas),
        Output = Value(parse, Output) ?? "text",
        RestoreSessionFile = Value(parse, RestoreSessionFile),
        RepositoryFile = Value(parse, RepositoryFile),
        StatusFile = Value(parse, StatusFile),
        Objects = Value(parse, Objects) ?? [],
        Component = Value(parse, Component),
        Snapshot = Value(parse, Snapshot),
        SnapshotGiven = parse.GetResult(Snapshot) is not null,
        Include = Value(parse, Include),
        Exclude = Value(parse, Exclude),
        Verify = Value(parse, Verify),
        FailOnMetadataErrors = Value(parse, FailOnMetadataErrors),
        // Checked by the flag's validator: a Go duration, not negative.
        RepositoryTimeout = Core.GoCompat.GoDuration.TryParse(Value(parse, RepositoryTimeout), out var timeout) ? timeout : TimeSpan.Zero,
        StallTimeout = Core.GoCompat.GoDuration.TryParse(Value(parse, StallTimeout), out var stall) ? stall : TimeSpan.Zero,
        SkipSpaceCheck = Value(parse, SkipSpaceCheck),
        ApiRetryTimeout = Core.GoCompat.GoDuration.TryParse(Value(parse, ApiRetryTimeout), out var apiTimeout) ? apiTimeout : TimeSpan.Zero,
        HookTimeout = Value(parse, HookTimeout),
        OwnContainer = Value(parse, OwnContainer) ?? Core.Hooks.HookExecutorOptions.DefaultOwnContainerName,
        LogFormat = Value(parse, LogFormat) ?? "auto",
        LogLevel = Value(parse, LogLevel),
        Verbosity = Compatibility.VerbosityOf(parse),
        NoEffectFlagsGiven = Compatibility.NoEffectGiven(parse),
    };

    private static T? Value<T>(ParseResult parse, Option<T> option) =>
        parse.GetResult(option) is null && option.HasDefaultValue ? (T?)option.GetDefaultValue() : parse.GetValue(option);

    /// <summary>A Go duration, not negative: <c>2m</c>, <c>30s</c>, <c>0</c>.</summary>
    private static void AcceptDuration(Option<string> option)
    {
        if (option.Validators.Count > 0)
            return;
        option.Validators.Add(result =>
        {
            if (!Core.GoCompat.GoDuration.TryParse(result.GetValueOrDefault<string>(), out var timeout) || timeout < TimeSpan.Zero)
                result.AddError($"{option.Name}: '{result.GetValueOrDefault<string>()}' is not a duration such as 2m, 30s or 0");
        });
    }

    /// <summary>Every flag of <c>restore</c>.</summary>
    public void AddTo(Command command)
    {
        Option[] all =
        [
            RestoreSession, Namespace, Kubeconfig, Master, InvokerKind, InvokerName, TargetKind, TargetName, TargetNamespace,
            SecretDir, EnableCache, MaxConnections, MetricsEnabled, PushgatewayUrl, PushgatewayCredentialsFile, RestoreModel, Host, ScratchDir, TargetDir,
            DryRun, Preview, Hosts, Replicas, Output, Objects, Component, Snapshot, Include, Exclude, RestoreSessionFile, RepositoryFile, StatusFile, Verify, FailOnMetadataErrors, RepositoryTimeout, StallTimeout, SkipSpaceCheck, ApiRetryTimeout, HookTimeout, OwnContainer, LogFormat, LogLevel,
        ];
        AddTo(command, all);
        Compatibility.AddTo(command);
    }

    /// <summary>
    /// These of <c>restore</c>'s flags only (another command sharing their meaning; it adds its own
    /// <see cref="OperatorCompatibilityFlags"/>); <see cref="Bind"/> gives the others their defaults.
    /// </summary>
    public void AddTo(Command command, IEnumerable<Option> options)
    {
        foreach (var option in options)
            command.Options.Add(option);
        Output.AcceptOnlyFromAmong("text", "json");
        AcceptDuration(RepositoryTimeout);
        AcceptDuration(StallTimeout);
        AcceptDuration(ApiRetryTimeout);
        LogFormat.AcceptOnlyFromAmong("text", "json", "auto");
        RestoreModel.AcceptOnlyFromAmong(RestoreModels.InitContainer, RestoreModels.Job);
    }
}
