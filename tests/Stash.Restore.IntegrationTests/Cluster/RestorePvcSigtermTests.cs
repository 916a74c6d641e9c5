using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// <c>restore-pvc</c> as the kubelet stops it: a real process (the published binary under
/// scripts/test.sh) with the Function's arguments gets SIGTERM in the middle of a large restore.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class RestorePvcSigtermTests
{
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
