using System.Text.Json.Nodes;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// One <see cref="ClusterRig"/> (test API server, a restic repository with host-0's data, the
/// recording restic) shared by a test class's restore Jobs: each <see cref="NewJob"/> is a session
/// of its own, with its own pod directories, so the tests of a class do not pay for a cluster each.
/// </summary>
public sealed class RestoreJobCluster : IAsyncLifetime
{
    private int _jobs;
    private ClusterRig? _cluster;

    internal ClusterRig Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not started");

    /// <summary>The pod's namespace comes from its service account, not POD_NAMESPACE: a kubeconfig naming it stands in.</summary>
    internal string Kubeconfig { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // Without the CRDs the tests skip before using it.
        if (TestApiServer.TestApiServer.FindSharedCrdDirectory() is null)
            return;
        _cluster = await ClusterRig.StartAsync();
        Kubeconfig = Path.Combine(_cluster.Repository.Root, "kubeconfig-demo");
        File.WriteAllText(Kubeconfig, File.ReadAllText(_cluster.Kubeconfig).Replace("namespace: default", "namespace: demo", StringComparison.Ordinal));
    }

    /// <summary>A new restore Job: its RestoreSession (with <paramref name="hooksJson"/> as <c>spec.hooks</c>' members) and its pod's directories.</summary>
    internal RestoreJob NewJob(string? hooksJson = null)
    {
        var job = new RestoreJob(this, $"pvc-restore-{Interlocked.Increment(ref _jobs)}");
        job.PutSession(hooksJson);
        return job;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }
}

/// <summary>
/// Stash's stand-alone PVC restore Job: RestoreSession <see cref="SessionName"/> for PersistentVolumeClaim
/// <c>data</c> (its rule restores host-0's data path), and the containers' argument lists exactly as
/// Stash's Functions pass them (pkg/util/crds.go: <c>pvcRestoreFunction</c>, <c>updateStatusFunction</c>;
/// <c>util.HookExecutorContainer</c>), with the test's paths for <c>/stash-tmp</c> and the Repository.
/// The snapshot's paths are absolute and Stash restores them under <c>/</c>; here <c>--target-dir</c>
/// (our one addition) roots them in the Job's directory, so the PVC's mount stands at <see cref="RestoredData"/>.
/// </summary>
internal sealed class RestoreJob
{
    private readonly RestoreJobCluster _rig;

    public RestoreJob(RestoreJobCluster rig, string sessionName)
    {
        _rig = rig;
        SessionName = sessionName;
        Directory = Cluster.Repository.CreateDirectory(sessionName);
        Scratch = Cluster.Repository.CreateDirectory(Path.Combine(sessionName, "stash-tmp"));
    }

    public string SessionName { get; }

    public ClusterRig Cluster => _rig.Cluster;

    /// <summary>The Job's own directory (its pod's volumes).</summary>
    public string Directory { get; }

    /// <summary>The pod's emptyDir mounted at /stash-tmp.</summary>
    public string Scratch { get; }

    public string OutputDir => Path.Combine(Scratch, "output");

    public string OutputFile => Path.Combine(OutputDir, "output.json");

    /// <summary>Where restic's <c>/</c> is (<c>--target-dir</c>).</summary>
    public string Target => Path.Combine(Directory, "root");

    /// <summary>The PVC's mount: the backed-up data path under <see cref="Target"/>.</summary>
    public string RestoredData => Cluster.RestoredData(Target);

    public JsonObject PutSession(string? hooksJson = null) => Cluster.Server.Put($$$$"""
        {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"{{{{SessionName}}}}","namespace":"demo"},
         "spec":{"repository":{"name":"test-repo"},"task":{"name":"pvc-restore"},
                 {{{{(hooksJson is null ? "" : $"\"hooks\":{{{hooksJson}}},")}}}}
                 "target":{"ref":{"apiVersion":"v1","kind":"PersistentVolumeClaim","name":"data"},
                           "rules":[{"paths":["{{{{Cluster.DataPath}}}}"]}]}}}
        """);

    public JsonObject Session() => Cluster.Session(SessionName);

    public JsonArray Stats() => Cluster.Stats(SessionName);

    public JsonObject? Condition(string type) =>
        Session()["status"]?["conditions"]?.AsArray().SingleOrDefault(c => (string?)c!["type"] == type)?.AsObject();

    public IReadOnlyList<JsonObject> Events(string reason) =>
        [.. Cluster.Server.List("v1", "Event", ClusterRig.Namespace).Where(e => (string?)e["reason"] == reason && (string?)e["involvedObject"]?["name"] == SessionName)];

    /// <summary>The Pushgateway job this session's metrics are pushed under.</summary>
    public string MetricsJob => $"restoresession-demo-{SessionName}";

    /// <summary>Function <c>pvc-restore</c>'s arguments for a local Repository (the resolver's <c>--bucket</c> is its mountPath).</summary>
    public string[] RestorePvcArguments(string? restorePaths = null, string snapshots = "", string include = "", string exclude = "", string args = "", string secret = "repo-secret") =>
    [
        "restore-pvc", "--provider=local", $"--bucket={Cluster.Repository.RepositoryPath}", "--endpoint=", "--insecure-tls=false", "--region=", "--path=",
        "--enable-cache=true", "--max-connections=0", "--hostname=", $"--restore-paths={restorePaths ?? (snapshots.Length > 0 ? "" : Cluster.DataPath)}",
        $"--include={include}", $"--exclude={exclude}", $"--args={args}", $"--snapshots={snapshots}", $"--output-dir={OutputDir}",
        "--invoker-kind=RestoreSession", $"--invoker-name={SessionName}", $"--storage-secret-name={secret}", "--storage-secret-namespace=demo",
        "--target-kind=PersistentVolumeClaim", "--target-name=data", "--target-namespace=demo", $"--scratch-dir={Scratch}",
        "--target-dir", Target,
    ];

    /// <summary>Function <c>update-status</c>'s arguments (with <c>--metrics-labels</c>, which may appear).</summary>
    public string[] UpdateStatusArguments(string pushgatewayUrl) =>
    [
        "update-status", "--provider=local", $"--bucket={Cluster.Repository.RepositoryPath}", "--endpoint=", "--insecure-tls=false", "--region=", "--path=",
        "--enable-cache=true", "--max-connections=0", "--namespace=demo", "--backupsession=", "--storage-secret-name=repo-secret",
        "--storage-secret-namespace=demo", "--invoker-kind=RestoreSession", $"--invoker-name={SessionName}", "--target-kind=PersistentVolumeClaim",
        "--target-name=data", "--target-namespace=demo", $"--output-dir={OutputDir}", "--metrics-enabled=true", $"--scratch-dir={Scratch}",
        $"--metrics-pushgateway-url={pushgatewayUrl}", "--metrics-labels=team=storage",
    ];

    /// <summary>The hook container's arguments (<c>util.HookExecutorContainer</c>).</summary>
    public string[] RunHookArguments(string hookType, string pushgatewayUrl = "http://127.0.0.1:9") =>
    [
        "run-hook", "--backupsession=", "--invoker-kind=RestoreSession", $"--invoker-name={SessionName}", "--target-kind=PersistentVolumeClaim",
        "--target-namespace=demo", "--target-name=data", $"--hook-type={hookType}", "--hostname=", $"--output-dir={OutputDir}",
        "--metrics-enabled=true", $"--metrics-pushgateway-url={pushgatewayUrl}",
    ];

    /// <summary>The container's environment: the recording restic first on PATH, the cluster through the kubeconfig.</summary>
    public Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{Cluster.WrapperDirectory}:{System.Environment.GetEnvironmentVariable("PATH")}",
            ["KUBECONFIG"] = _rig.Kubeconfig,
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
            environment[name] = value;
        return environment;
    }

    /// <summary>One container's command, in-process (the real command tree, real restic), with <paramref name="extra"/> in its environment.</summary>
    public Task<CliResult> RunAsync(string[] args, IReadOnlyDictionary<string, string>? extra = null) => CliHarness.RunAsync(Environment(extra), args);

    /// <summary>One container's command as its own process (the published Native AOT binary under scripts/test.sh).</summary>
    public Task<CliResult> RunAsProcessAsync(string[] args) => ExecutorProcess.RunAsync(args, Environment());

    /// <summary>The messages of a container's JSON log lines (what <c>kubectl logs</c> shows), one a line.</summary>
    public static string Messages(CliResult result) => string.Join('\n', ExecutorLog.Lines(result).Select(l => l.Message));

    public JsonObject Output() => JsonNode.Parse(File.ReadAllText(OutputFile))!.AsObject();

    /// <summary>This Job's restic calls (they name its target or scratch directory), as recorded by the wrapper.</summary>
    public string[] ResticCalls() =>
        File.Exists(Cluster.CallLog) ? [.. File.ReadAllLines(Cluster.CallLog).Where(l => l.Contains(Directory, StringComparison.Ordinal))] : [];

    public int ResticRestoreCalls => ResticCalls().Count(l => l.StartsWith("restore ", StringComparison.Ordinal));
}
