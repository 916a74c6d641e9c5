using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// <c>restore-pvc</c> with the Function's arguments: the container's environment and flags reach the restore
/// (nice/ionice, <c>--repository-timeout</c>), a bad environment value is invalid input before anything is read,
/// and SIGTERM from the kubelet (a real process, the published binary under scripts/test.sh) exits 143.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class RestorePvcCommandTests(RestoreJobCluster jobs) : IClassFixture<RestoreJobCluster>
{
    /// <summary>nice/ionice as the operator sets them for the Function's container, on restic only.</summary>
    [RequiresCrdsFact]
    public async Task Nice_and_ionice_from_the_environment_wrap_restic()
    {
        var rig = jobs.NewJob();
        var restore = await rig.RunAsync(rig.RestorePvcArguments(), new Dictionary<string, string> { ["NICE_ADJUSTMENT"] = "7", ["IONICE_CLASS"] = "3" });

        Assert.True(restore.ExitCode == ExitCodes.Success, restore.ToString());
        var restic = File.ReadAllLines(rig.Cluster.PriorityLog).Single(l => l.Contains(" restore ", StringComparison.Ordinal) && l.Contains(rig.Directory, StringComparison.Ordinal));
        Assert.StartsWith("7 idle restore ", restic, StringComparison.Ordinal);
    }

    /// <summary>
    /// A REST repository (the rest provider's URL in --endpoint) whose server does not answer: restic is
    /// stopped after --repository-timeout instead of retrying for 15 minutes, and the failure is handed on.
    /// </summary>
    [RequiresCrdsFact]
    public async Task An_unreachable_rest_repository_is_given_up_after_the_repository_timeout()
    {
        var rig = jobs.NewJob();
        var port = ServerProcess.FreePort();
        var arguments = rig.RestorePvcArguments().Select(a => a switch
        {
            _ when a.StartsWith("--provider=", StringComparison.Ordinal) => "--provider=rest",
            _ when a.StartsWith("--bucket=", StringComparison.Ordinal) => $"--bucket=127.0.0.1:{port}",
            _ when a.StartsWith("--endpoint=", StringComparison.Ordinal) => $"--endpoint=http://127.0.0.1:{port}/demo",
            _ => a,
        });

        var restore = await rig.RunAsync([.. arguments, "--repository-timeout", "1s"]);

        Assert.True(restore.ExitCode == ExitCodes.Success, restore.ToString());
        var error = (string?)rig.Output()["targetStatus"]!["stats"]![0]!["error"];
        Assert.StartsWith($"restic restore of path {rig.Cluster.DataPath} of host host-0 (latest snapshot) from rest:http://127.0.0.1:{port}/demo failed: repository not reachable within --repository-timeout 1s", error, StringComparison.Ordinal);
    }

    /// <summary>The operator's NICE_ADJUSTMENT is read before the session: a value that is no number stops the container with one line.</summary>
    [RequiresCrdsFact]
    public async Task A_nice_adjustment_that_is_not_a_number_exits_2_with_one_line_before_anything_is_read()
    {
        var rig = jobs.NewJob();
        var restore = await rig.RunAsync(rig.RestorePvcArguments(), new Dictionary<string, string> { ["NICE_ADJUSTMENT"] = "high" });

        Assert.Equal(ExitCodes.InvalidInput, restore.ExitCode);
        Assert.Equal("environment variable NICE_ADJUSTMENT=\"high\" is not a whole number", RestoreJob.Messages(restore));
        Assert.Empty(rig.ResticCalls());
        Assert.False(File.Exists(rig.OutputFile));
    }

    private const int Files = 60;
    private const int FileSize = 512 * 1024;

    [RequiresCrdsFact]
    public async Task Sigterm_mid_restore_exits_143_stops_restic_and_hands_on_failed_terminated()
    {
        using var data = await SigtermRig.CreateAsync(Files, FileSize, filesPerFolder: 30, firstSeed: 500, logFormat: "json");
        await using var server = await TestApiServer.TestApiServer.StartAsync();
        server.Put($$$"""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"repo-secret","namespace":"demo"},
             "data":{"RESTIC_PASSWORD":"{{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(data.Repository.Password))}}}"}}
            """);
        server.Put($$$$"""
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"pvc-restore","namespace":"demo"},
             "spec":{"repository":{"name":"repo"},"task":{"name":"pvc-restore"},
                     "target":{"ref":{"apiVersion":"v1","kind":"PersistentVolumeClaim","name":"data"},"rules":[{"paths":["{{{{data.Data}}}}"]}]}}}
            """);
        var kubeconfig = server.WriteKubeconfig(Path.Combine(data.Repository.Root, "kubeconfig"));
        var scratch = data.Repository.CreateDirectory("stash-tmp");
        var output = Path.Combine(scratch, "output", "output.json");
        string[] args =
        [
            "restore-pvc", "--provider=local", $"--bucket={data.Repository.RepositoryPath}", "--endpoint=", "--insecure-tls=false", "--region=", "--path=",
            "--enable-cache=true", "--max-connections=0", "--hostname=", $"--restore-paths={data.Data}", "--include=", "--exclude=", "--args=", "--snapshots=",
            $"--output-dir={Path.GetDirectoryName(output)}", "--invoker-kind=RestoreSession", "--invoker-name=pvc-restore", "--storage-secret-name=repo-secret",
            "--storage-secret-namespace=demo", "--target-kind=PersistentVolumeClaim", "--target-name=data", "--target-namespace=demo", $"--scratch-dir={scratch}",
            "--target-dir", data.Target,
        ];
        var environment = new Dictionary<string, string>
        {
            // restic held to a download limit, so the signal surely lands while it restores.
            ["PATH"] = data.PathWithSlowRestic(data.Repository.Restic.Path, downloadKiBPerSecond: 4096),
            ["KUBECONFIG"] = kubeconfig,
            ["POD_NAMESPACE"] = "demo",
        };

        using var executor = ExecutorProcess.Start(args, environment);
        await SigtermRig.WaitUntilAsync(() => data.CompleteFiles() >= 10 && data.ResticProcesses().Count > 0);
        var sent = await SigtermRig.SigtermAsync(executor);
        sent.Stop();

        Assert.Equal(ExitCodes.Terminated, executor.ExitCode);
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(10), $"exit took {sent.Elapsed} after SIGTERM");
        Assert.Empty(data.ResticProcesses());
        Assert.NotEqual(Files, data.CompleteFiles());
        var entry = JsonNode.Parse(File.ReadAllText(output))!["targetStatus"]!["stats"]![0]!;
        Assert.Equal(("host-0", "Failed", "terminated by SIGTERM"), ((string?)entry["hostname"], (string?)entry["phase"], (string?)entry["error"]));
        // The 0600 credentials folder and its lock go with the run.
        Assert.Empty(Directory.GetDirectories(scratch, "restic-credentials-*"));
        // Nothing reached the session: update-status records what the file says.
        Assert.Null(server.Get("stash.appscode.com/v1beta1", "RestoreSession", "demo", "pvc-restore")!["status"]);
    }
}
