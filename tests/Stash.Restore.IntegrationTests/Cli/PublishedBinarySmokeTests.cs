using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// The executor as a separate process — the Native AOT binary when scripts/test.sh sets
/// <c>STASH_RESTORE_BINARY</c>, else the JIT build — through the paths trimming could break at
/// run time: YAML and JSON input, KubernetesClient.Aot over HTTPS to the test API server,
/// status patches, events, leases, exec hooks, real restic. (SIGTERM: <see cref="SigtermTests"/>.)
/// </summary>
public sealed class PublishedBinarySmokeTests : IAsyncLifetime
{
    private ClusterRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ClusterRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private string Marker(string name) => Path.Combine(_rig.Repository.Root, name);

    private string HooksJson() => $$$$"""
        "hooks":{"preRestore":{"exec":{"command":["touch","{{{{Marker("pre-hook-ran")}}}}"]}},
                 "postRestore":{"exec":{"command":["touch","{{{{Marker("post-hook-ran")}}}}"]}}}
        """;

    [Fact]
    public async Task Cluster_restore_over_kubeconfig_with_exec_hooks_restores_the_bytes_and_records_Succeeded()
    {
        _rig.Server.Put($$$$"""
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"smoke","namespace":"demo"},
             "spec":{"repository":{"name":"test-repo"},{{{{HooksJson()}}}},
                     "target":{"ref":{"apiVersion":"apps/v1","kind":"Deployment","name":"app"},
                               "rules":[{"paths":["{{{{_rig.DataPath}}}}"],"sourceHost":"host-0"}]}}}
            """);
        var target = _rig.Repository.CreateDirectory("target-cluster");

        var result = await ExecutorProcess.RunAsync(
            ["restore", "--restoresession", "smoke", "--namespace", "demo", "--kubeconfig", _rig.Kubeconfig, "--target-dir", target,
             "--scratch-dir", _rig.Repository.CreateDirectory("scratch-cluster"), "--log-format", "json"],
            new Dictionary<string, string> { ["POD_NAME"] = "app-7d9f-x1", ["POD_NAMESPACE"] = "demo" });

        Assert.True(result.ExitCode == ExitCodes.Success, $"{ExecutorProcess.Describe()}: {result}");
        TestTree.AssertEqual(_rig.Original, _rig.RestoredData(target));
        var entry = Assert.Single(_rig.Stats("smoke"));
        Assert.Equal(("host-0", "Succeeded"), ((string?)entry!["hostname"], (string?)entry["phase"]));
        Assert.True(File.Exists(Marker("pre-hook-ran")) && File.Exists(Marker("post-hook-ran")), result.ToString());
        Assert.Contains(_rig.Server.Requests, r => r is { Method: "POST", StatusCode: 201 } && r.PathAndQuery == "/api/v1/namespaces/demo/events");
        Assert.DoesNotContain(_rig.Repository.Password, result.Output + result.Error);
        Assert.DoesNotContain(_rig.Server.AdminToken, result.Output + result.Error);
    }

    [Fact]
    public async Task Offline_restore_from_yaml_files_with_exec_hooks_restores_the_bytes_and_writes_the_status_file()
    {
        var inputs = _rig.Repository.CreateDirectory("inputs");
        var session = Path.Combine(inputs, "restoresession.yaml");
        File.WriteAllText(session, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {"{"}name: offline-smoke, namespace: demo{"}"}
            spec:
              repository: {"{"}name: test-repo{"}"}
              hooks:
                preRestore: {"{"}exec: {"{"}command: [touch, "{Marker("pre-hook-ran")}"]{"}"}{"}"}
                postRestore: {"{"}exec: {"{"}command: [touch, "{Marker("post-hook-ran")}"]{"}"}{"}"}
              target:
                ref: {"{"}apiVersion: apps/v1, kind: Deployment, name: app{"}"}
                rules:
                - paths: ["{_rig.DataPath}"]
                  sourceHost: host-0
            """);
        var repository = Path.Combine(inputs, "repository.yaml");
        File.WriteAllText(repository, $"""
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {"{"}name: test-repo, namespace: demo{"}"}
            spec:
              backend:
                storageSecretName: repo-secret
                local: {"{"}mountPath: "{_rig.Repository.RepositoryPath}"{"}"}
            """);
        var secret = _rig.Repository.CreateDirectory("secret");
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), _rig.Repository.Password);
        var target = _rig.Repository.CreateDirectory("target-offline");
        var status = Path.Combine(_rig.Repository.Root, "status.json");

        var result = await ExecutorProcess.RunAsync(
            ["restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
             "--host", "host-0", "--target-dir", target, "--scratch-dir", _rig.Repository.CreateDirectory("scratch-offline"),
             "--status-file", status, "--log-format", "text"]);

        Assert.True(result.ExitCode == ExitCodes.Success, $"{ExecutorProcess.Describe()}: {result}");
        TestTree.AssertEqual(_rig.Original, _rig.RestoredData(target));
        Assert.Equal("Succeeded", (string?)JsonNode.Parse(File.ReadAllText(status))!["stats"]![0]!["phase"]);
        Assert.True(File.Exists(Marker("pre-hook-ran")) && File.Exists(Marker("post-hook-ran")), result.ToString());
        Assert.DoesNotContain(_rig.Repository.Password, result.Output + result.Error);
    }

    [Fact]
    public async Task Version_names_the_executor_and_restic()
    {
        var result = await ExecutorProcess.RunAsync(["version"]);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.StartsWith("stash-restore ", result.Output);
        Assert.Contains("restic 0.", result.Output);
    }
}
