using System.CommandLine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// The flags of Stash's restore Job commands (<c>restore-pvc</c>, <c>update-status</c>, <c>run-hook</c>):
/// those they share with <c>restore</c> (same meaning, same binding) and the Functions' own, as Stash's
/// resolver passes them (SPEC §15). Each command adds the ones its Function passes, plus our own.
/// </summary>
internal sealed class StashJobFlags
{
    public RestoreFlags Shared { get; } = new();

    /// <summary>klog's set and the operators' other flags, as every Stash subcommand takes them; <c>--v</c> maps to a level.</summary>
    public OperatorCompatibilityFlags Compatibility { get; } = new();

    public Option<string?> Provider { get; } = new("--provider") { Description = "The Repository's backend: local, s3, gcs, azure, swift, b2 or rest." };
    public Option<string?> Bucket { get; } = new("--bucket") { Description = "The bucket or container; a local backend's mountPath." };
    public Option<string?> Endpoint { get; } = new("--endpoint") { Description = "The S3 endpoint, or the REST server's URL." };
    public Option<string?> Region { get; } = new("--region") { Description = "The S3 region." };
    public Option<string?> Path { get; } = new("--path") { Description = "The prefix inside the bucket." };
    public Option<bool> InsecureTls { get; } = new("--insecure-tls") { Description = "Do not verify an S3 server's certificate." };
    public Option<string?> StorageSecretName { get; } = new("--storage-secret-name") { Description = "The backend Secret, read through the API (unless --secret-dir)." };
    public Option<string?> StorageSecretNamespace { get; } = new("--storage-secret-namespace") { Description = "The backend Secret's namespace; default the Repository's." };
    public Option<string?> Hostname { get; } = new("--hostname") { Description = "Stands in for the target's alias: the host is it (with volumeClaimTemplates and replicas, it-POD_ORDINAL); empty: the alias, else host-0." };
    public Option<string?> RestorePaths { get; } = new("--restore-paths") { Description = "Paths to restore, comma-separated, each from its latest snapshot of the source host." };
    public Option<string?> Snapshots { get; } = new("--snapshots") { Description = "Snapshots to restore, comma-separated: restic ids or Stash Snapshot names (<repository>-<shortid>)." };
    public Option<string?> Include { get; } = new("--include") { Description = "restic --include patterns, comma-separated." };
    public Option<string?> Exclude { get; } = new("--exclude") { Description = "restic --exclude patterns, comma-separated." };
    public Option<string?> Args { get; } = new("--args") { Description = "Further words for restic restore (the target's args, joined by spaces), split at commas and spaces." };
    public Option<string?> OutputDir { get; } = new("--output-dir") { Description = "Directory of output.json, the restore's outcome handed from restore-pvc to update-status and run-hook." };
    public Option<string?> BackupSession { get; } = new("--backupsession") { Description = "Accepted as Stash's Functions pass it; must be empty (stash-restore restores)." };
    public Option<string?> HookType { get; } = new("--hook-type") { Description = "The hook to run: preRestore or postRestore." };
    public Option<string?> MetricsPushgatewayUrl { get; } = new("--metrics-pushgateway-url", "--pushgateway-url") { Description = "Push the host metrics (POST) to this Pushgateway, with --metrics-enabled." };
    public Option<string[]> MetricsLabels { get; } = new("--metrics-labels") { Description = "Extra metric labels key=value, comma-separated or repeated." };

    /// <summary>The Function's backend arguments, and the shared flags <c>update-status</c> is passed with them.</summary>
    public IEnumerable<Option> BackendFlags => [Provider, Bucket, Endpoint, Region, Path, InsecureTls, StorageSecretName, StorageSecretNamespace, Shared.EnableCache, Shared.MaxConnections];

    /// <summary>Cluster access, the invoker and target every Function names, and our log flags.</summary>
    public IEnumerable<Option> SessionFlags => [
        Shared.Namespace, Shared.Kubeconfig, Shared.Master, Shared.InvokerKind, Shared.InvokerName,
        Shared.TargetKind, Shared.TargetName, Shared.TargetNamespace, Shared.ApiRetryTimeout, Shared.LogFormat, Shared.LogLevel,
    ];

    /// <summary>Metrics as update-status and run-hook are passed them.</summary>
    public IEnumerable<Option> MetricsFlags => [Shared.MetricsEnabled, MetricsPushgatewayUrl, MetricsLabels, Shared.PushgatewayCredentialsFile];

    /// <summary>These flags, and the operator compatibility set every command takes.</summary>
    public void AddTo(Command command, IEnumerable<Option> options)
    {
        Shared.AddTo(command, options);
        Compatibility.AddTo(command);
    }

    /// <summary>The shared flags, bound as <c>restore</c> binds them; the Pushgateway from <c>--metrics-pushgateway-url</c>.</summary>
    public RestoreOptions Bind(ParseResult parse) => Shared.Bind(parse) with
    {
        PushgatewayUrl = parse.GetValue(MetricsPushgatewayUrl),
        Verbosity = Compatibility.VerbosityOf(parse),
        NoEffectFlagsGiven = Compatibility.NoEffectGiven(parse),
    };

    public PvcRestoreArguments BindPvcRestore(ParseResult parse) => new()
    {
        Backend = new FunctionBackend(parse.GetValue(Provider), parse.GetValue(Bucket), parse.GetValue(Endpoint), parse.GetValue(Region), parse.GetValue(Path), parse.GetValue(InsecureTls)),
        StorageSecretName = parse.GetValue(StorageSecretName),
        StorageSecretNamespace = parse.GetValue(StorageSecretNamespace),
        Hostname = parse.GetValue(Hostname),
        RestorePaths = CommaSeparated.Split(parse.GetValue(RestorePaths)),
        Snapshots = CommaSeparated.Split(parse.GetValue(Snapshots)),
        Include = CommaSeparated.Split(parse.GetValue(Include)),
        Exclude = CommaSeparated.Split(parse.GetValue(Exclude)),
        Args = PvcRestoreArguments.SplitArgs(parse.GetValue(Args)),
        OutputDir = Value(parse.GetValue(OutputDir)),
    };

    /// <summary><c>--metrics-labels</c> as Stash's string slice: every comma-separated entry of every occurrence.</summary>
    public IReadOnlyList<string> BindMetricsLabels(ParseResult parse) =>
        [.. (parse.GetValue(MetricsLabels) ?? []).SelectMany(CommaSeparated.Split)];

    public static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
