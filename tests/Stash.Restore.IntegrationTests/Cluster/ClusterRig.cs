using System.Text.Json.Nodes;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// A cluster for the executor's in-cluster flow: the test API server (real HTTPS, the real CRD
/// schemas) holding a RestoreSession, its Repository and Secret, and a real restic repository
/// with host-0's data. restic is reached through a wrapper on PATH that records every call and
/// can fail the next restore once.
/// </summary>
internal sealed class ClusterRig : IAsyncDisposable
{
    public const string Namespace = "demo";

    private ClusterRig(TestApiServer.TestApiServer server, TestRepository repository, string dataPath, string original)
    {
        Server = server;
        Repository = repository;
        DataPath = dataPath;
        Original = original;
        Kubeconfig = server.WriteKubeconfig(Path.Combine(repository.Root, "kubeconfig"));
        WrapperDirectory = repository.CreateDirectory("bin");
        File.WriteAllText(Path.Combine(WrapperDirectory, "restic"), $"""
            #!/bin/sh
            echo "$*" >> '{CallLog}'
            echo "$(nice) $(ionice -p $$ 2>/dev/null) $*" >> '{PriorityLog}'
            if [ "$1" = restore ] && [ -f '{FailNextMarker}' ]; then rm -f '{FailNextMarker}'; echo "Fatal: injected failure for the test" >&2; exit 1; fi
            if [ -f '{SlowMarker}' ]; then exec '{repository.Restic.Path}' --limit-download "$(cat '{SlowMarker}')" "$@"; fi
            exec '{repository.Restic.Path}' "$@"
            """);
        File.SetUnixFileMode(Path.Combine(WrapperDirectory, "restic"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public TestApiServer.TestApiServer Server { get; }
    public TestRepository Repository { get; }
    public string DataPath { get; }
    public string Original { get; }
    public string Kubeconfig { get; }
    public string WrapperDirectory { get; }
    public string CallLog => Path.Combine(Repository.Root, "restic-calls.log");
    public string FailNextMarker => Path.Combine(Repository.Root, "fail-next-restore");

    /// <summary>Each restic call with the niceness and I/O class it ran under: <c>7 idle restore latest …</c>.</summary>
    public string PriorityLog => Path.Combine(Repository.Root, "restic-priority.log");

    /// <summary>While this file exists, restic downloads at most as many KiB/s as it says.</summary>
    public string SlowMarker => Path.Combine(Repository.Root, "slow-restic-kib");

    public int ResticRestoreCalls => File.Exists(CallLog) ? File.ReadAllLines(CallLog).Count(l => l.StartsWith("restore ", StringComparison.Ordinal) && !l.Contains(" --dry-run", StringComparison.Ordinal)) : 0;

    /// <summary>How many times restic was asked what a restore would change (<c>restore --dry-run</c>, the dry run's preview).</summary>
    public int ResticPreviewCalls => File.Exists(CallLog) ? File.ReadAllLines(CallLog).Count(l => l.StartsWith("restore ", StringComparison.Ordinal) && l.Contains(" --dry-run", StringComparison.Ordinal)) : 0;

    /// <param name="serverOptions">How the test API server runs (e.g. its certificate from an intermediate CA).</param>
    /// <param name="moreData">Adds to host-0's data before the backup (e.g. enough to restore slowly).</param>
    public static async Task<ClusterRig> StartAsync(string targetKind = "Deployment", TestApiServer.TestApiServerOptions? serverOptions = null, Action<TestTree>? moreData = null)
    {
        var repository = await TestRepository.CreateAsync();
        var dataPath = Path.Combine(repository.Root, "data");
        var tree = TestTree.At(dataPath).Mixed("host-0");
        moreData?.Invoke(tree);
        var original = Path.Combine(repository.Root, "original");
        System.Diagnostics.Process.Start("cp", ["-a", dataPath, original])!.WaitForExit();
        await repository.BackupAsync("host-0", DateTimeOffset.UtcNow.AddMinutes(-5), dataPath);
        Directory.Delete(dataPath, recursive: true);

        var server = await TestApiServer.TestApiServer.StartAsync(serverOptions);
        var rig = new ClusterRig(server, repository, dataPath, original);
        server.Put($$$$"""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"repo-secret","namespace":"{{{{Namespace}}}}"},
             "data":{"RESTIC_PASSWORD":"{{{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(repository.Password))}}}}"}}
            """);
        server.Put($$$$"""
            {"apiVersion":"stash.appscode.com/v1alpha1","kind":"Repository","metadata":{"name":"test-repo","namespace":"{{{{Namespace}}}}"},
             "spec":{"backend":{"local":{"mountPath":"{{{{repository.RepositoryPath}}}}"},"storageSecretName":"repo-secret"}}}
            """);
        rig.PutSession("app-restore", targetKind);
        return rig;
    }

    public JsonObject PutSession(string name, string targetKind = "Deployment", string? status = null)
    {
        var stored = Server.Put($$$$"""
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"{{{{name}}}}","namespace":"{{{{Namespace}}}}"},
             "spec":{"repository":{"name":"test-repo"},
                     "target":{"ref":{"apiVersion":"apps/v1","kind":"{{{{targetKind}}}}","name":"app"},
                               "rules":[{"paths":["{{{{DataPath}}}}"],"sourceHost":"host-0"}]}}}
            """);
        if (status is null)
            return stored;
        stored["status"] = JsonNode.Parse(status);
        return Server.Put(stored);
    }

    public JsonObject Session(string name = "app-restore") =>
        Server.Get("stash.appscode.com/v1beta1", "RestoreSession", Namespace, name) ?? throw new InvalidOperationException($"RestoreSession {name} is gone");

    public JsonArray Stats(string name = "app-restore") => Session(name)["status"]?["stats"]?.AsArray() ?? [];

    /// <summary>Runs the executor in-process as pod <paramref name="podName"/>, restoring under <paramref name="target"/>.</summary>
    public Task<CliResult> RestoreAsync(string podName, string target, string session = "app-restore", string? kubeconfig = null, params string[] extra) =>
        CliHarness.RunAsync(PodEnvironment(podName), RestoreArguments(podName, target, session, kubeconfig, extra));

    /// <summary>
    /// The same as a separate process (the published binary under scripts/test.sh), for what only a
    /// real process does (process-wide TLS state, signals), with <paramref name="environment"/> added.
    /// </summary>
    public Task<CliResult> RestoreAsProcessAsync(string podName, string target, IReadOnlyDictionary<string, string> environment, string session = "app-restore") =>
        ExecutorProcess.RunAsync(RestoreArguments(podName, target, session, kubeconfig: null, extra: []), WithPodEnvironment(podName, environment));

    private Dictionary<string, string> WithPodEnvironment(string podName, IReadOnlyDictionary<string, string> environment)
    {
        var merged = PodEnvironment(podName);
        foreach (var (name, value) in environment)
            merged[name] = value;
        return merged;
    }

    private Dictionary<string, string> PodEnvironment(string podName) => new()
    {
        ["PATH"] = $"{WrapperDirectory}:{Environment.GetEnvironmentVariable("PATH")}",
        ["POD_NAME"] = podName,
        ["POD_NAMESPACE"] = Namespace,
    };

    /// <param name="extra">More flags; text logs unless they say <c>--log-format</c>.</param>
    private string[] RestoreArguments(string podName, string target, string session, string? kubeconfig, string[] extra) =>
        ["restore", "--restoresession", session, "--kubeconfig", kubeconfig ?? Kubeconfig, "--target-dir", target,
         "--scratch-dir", Path.Combine(Repository.Root, "scratch-" + podName), .. extra.Contains("--log-format") ? [] : (string[])["--log-format", "text"], .. extra];

    public string RestoredData(string target) => Path.Combine(target, DataPath.TrimStart('/'));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Repository.Dispose();
    }
}
