using System.Text;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Processes;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>What one offline restore through the CLI left behind.</summary>
internal sealed record BackendRestoreRun(CliResult Result, string StatusFile, string Target, TimeSpan Elapsed)
{
    public JsonNode Entry => JsonNode.Parse(File.ReadAllText(StatusFile))!["stats"]!.AsArray().Single()!;

    /// <summary>Everything the run wrote that a person or the cluster could read.</summary>
    public string AllOutput => Result.Output + Result.Error + (File.Exists(StatusFile) ? File.ReadAllText(StatusFile) : "");
}

/// <summary>
/// A data tree backed up with real restic to some backend, and restores of it through the CLI
/// (offline mode: RestoreSession, Repository and Secret files) compared file by file.
/// </summary>
internal sealed class BackendRestoreKit : IDisposable
{
    public const string Host = "host-0";

    private static readonly IProcessRunner Processes = new ProcessRunner();
    private int _runs;

    private BackendRestoreKit(string root)
    {
        Root = root;
        DataPath = Path.Combine(root, "data");
    }

    public string Root { get; }

    /// <summary>The backed-up directory (absolute, as a pod's volume would be).</summary>
    public string DataPath { get; }

    public static BackendRestoreKit Create(string tag)
    {
        var kit = new BackendRestoreKit(Directory.CreateTempSubdirectory($"stash-backend-{tag}-").FullName);
        TestTree.At(kit.DataPath).Mixed(tag).File("db.json", $"{{\"backend\":\"{tag}\"}}");
        return kit;
    }

    /// <summary>A new empty directory under <see cref="Root"/>.</summary>
    public string NewDirectory(string name) => System.IO.Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <summary><c>restic init</c> and <c>restic backup</c> of <see cref="DataPath"/> as <see cref="Host"/>, with the system's restic.</summary>
    public async Task InitAndBackupAsync(IReadOnlyDictionary<string, string?> environment, params string[] globalArguments)
    {
        await RunResticAsync(environment, ["init", .. globalArguments]);
        await RunResticAsync(environment, ["backup", "--host", Host, DataPath, .. globalArguments]);
    }

    /// <summary>Runs restic (the system's unless <paramref name="restic"/> names another); returns stdout, throws with stderr on failure.</summary>
    public static async Task<string> RunResticAsync(IReadOnlyDictionary<string, string?> environment, string[] arguments, string restic = "restic")
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var env = new Dictionary<string, string?>(environment)
        {
            ["RESTIC_PASSWORD_FILE"] = null,
            ["RESTIC_PASSWORD_COMMAND"] = null,
        };
        var path = ProgramLocator.Find(restic, Environment.GetEnvironmentVariable("PATH")) ?? restic;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await Processes.RunAsync(
            new ProcessSpec(path, [.. arguments, "--no-cache"], env),
            (stream, line) => (stream == OutputStream.StandardOutput ? stdout : stderr).AppendLine(line),
            timeout.Token);
        if (result.ExitCode != 0 || result.WasCancelled)
            throw new InvalidOperationException($"restic {arguments[0]} exited {result.ExitCode}: {stderr}");
        return stdout.ToString();
    }

    /// <summary>
    /// Restores <see cref="DataPath"/> of <see cref="Host"/> through the CLI from the Repository
    /// whose <c>spec.backend</c> is <paramref name="backendYaml"/> (indented under <c>backend:</c>).
    /// </summary>
    public async Task<BackendRestoreRun> RestoreAsync(
        string backendYaml,
        IReadOnlyDictionary<string, string> secret,
        string? timeOut = null,
        IReadOnlyDictionary<string, string>? environment = null,
        params string[] extraArguments)
    {
        var run = Interlocked.Increment(ref _runs);
        var session = Path.Combine(Root, $"rs-{run}.yaml");
        File.WriteAllText(session, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata:
              name: backend-restore
              namespace: demo
            spec:
              repository:
                name: backend-repo
            {(timeOut is null ? "" : $"  timeOut: {timeOut}\n")}  target:
                ref:
                  apiVersion: apps/v1
                  kind: Deployment
                  name: app
                rules:
                - paths: ["{DataPath}"]
            """);
        var repository = Path.Combine(Root, $"repo-{run}.yaml");
        File.WriteAllText(repository, $"""
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata:
              name: backend-repo
              namespace: demo
            spec:
              backend:
                storageSecretName: backend-secret
            {Indent(backendYaml, "    ")}
            """);
        var secretDir = NewDirectory($"secret-{run}");
        foreach (var (key, value) in secret)
            File.WriteAllText(Path.Combine(secretDir, key), value);
        var target = Path.Combine(Root, $"restored-{run}");
        var status = Path.Combine(Root, $"status-{run}.json");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await CliHarness.RunAsync(environment, [
            "restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secretDir,
            "--host", Host, "--target-dir", target, "--scratch-dir", Path.Combine(Root, $"scratch-{run}"), "--status-file", status,
            "--log-format", "text", .. extraArguments]);
        return new BackendRestoreRun(result, status, target, clock.Elapsed);
    }

    /// <summary>Asserts a run succeeded and restored <see cref="DataPath"/> identical file by file.</summary>
    public void AssertRestored(BackendRestoreRun run)
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        Assert.Equal("Succeeded", (string?)run.Entry["phase"]);
        TestTree.AssertEqual(DataPath, Path.Combine(run.Target, DataPath.TrimStart('/')));
    }

    /// <summary>
    /// Asserts a run failed as a person should see it: exit 1, status Failed with a one-line
    /// error containing <paramref name="cause"/>, and none of <paramref name="secrets"/> anywhere.
    /// </summary>
    public static void AssertFailedWithoutSecrets(BackendRestoreRun run, string cause, params string[] secrets)
    {
        Assert.True(run.Result.ExitCode == 1, run.Result.ToString());
        Assert.Equal("Failed", (string?)run.Entry["phase"]);
        var error = (string)run.Entry["error"]!;
        Assert.DoesNotContain('\n', error);
        Assert.True(error.Contains(cause, StringComparison.OrdinalIgnoreCase), $"error \"{error}\" does not name \"{cause}\"\n{run.Result}");
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret, run.AllOutput, StringComparison.Ordinal);
    }

    private static string Indent(string text, string prefix) =>
        string.Join('\n', text.Trim('\n').Split('\n').Select(l => prefix + l));

    public void Dispose()
    {
        try
        {
            TestTree.MakeDeletable(Root);
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
