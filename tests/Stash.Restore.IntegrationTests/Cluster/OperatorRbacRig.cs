using System.Text.Json.Nodes;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Metrics;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// A Stash StatefulSet restore as the operator sets it up, for the executor run under the operator's real
/// ClusterRole (SPEC §15's RBAC table): the test API server holding RestoreSession <c>sts-restore</c> of
/// StatefulSet <c>recovered-sts</c>, its Repository and Secret, the role from <c>tests/rbac</c> bound by a
/// RoleBinding to the pods' service account as the operator binds it, and a real restic repository with the
/// data of <c>host-0</c>..<c>host-2</c>, each restored by a rule of its own to where it was backed up.
/// Each pod is a real executor process with its own token of the service account.
/// </summary>
internal sealed class OperatorRbacRig : IAsyncDisposable
{
    public const string Namespace = "demo";
    public const string Session = "sts-restore";
    public const string StatefulSet = "recovered-sts";
    public const string ServiceAccount = "recovered-sts";
    public const int Hosts = 3;

    private OperatorRbacRig(TestApiServer.TestApiServer server, TestRepository repository, TestPushgateway pushgateway)
    {
        Server = server;
        Repository = repository;
        Pushgateway = pushgateway;
    }

    public TestApiServer.TestApiServer Server { get; }
    public TestRepository Repository { get; }
    public TestPushgateway Pushgateway { get; }
    public string ServiceAccountUser => $"system:serviceaccount:{Namespace}:{ServiceAccount}";

    /// <summary>Where host <paramref name="host"/>'s data was backed up from, and is restored to (the pod's volume).</summary>
    public string DataPath(int host) => Path.Combine(Repository.Root, "volumes", $"host-{host}", "data");

    public string Original(int host) => Path.Combine(Repository.Root, "original", $"host-{host}");

    /// <summary>The text of a ClusterRole of the repository's <c>tests/rbac</c>, e.g. <c>tests/rbac/stash/stash-restore-job.yaml</c>.</summary>
    public static string RoleFile(string path) => File.ReadAllText(RepositoryRoot.File(path));

    /// <param name="roleYaml">The ClusterRole the service account is bound to (<see cref="RoleFile"/> for the operator's).</param>
    /// <param name="bindingName">The RoleBinding's name, as the operator names it.</param>
    /// <param name="volumeClaimTemplates">A restore Job's target: the StatefulSet's volumeClaimTemplates with replicas (host-$POD_ORDINAL).</param>
    public static async Task<OperatorRbacRig> StartAsync(string roleYaml, string bindingName, bool volumeClaimTemplates = false)
    {
        var repository = await TestRepository.CreateAsync();
        var server = await TestApiServer.TestApiServer.StartAsync();
        var rig = new OperatorRbacRig(server, repository, new TestPushgateway());
        for (var host = 0; host < Hosts; host++)
        {
            TestTree.At(rig.DataPath(host)).Mixed($"host-{host}");
            TestTree.At(rig.Original(host)).Mixed($"host-{host}");
            await repository.BackupAsync($"host-{host}", DateTimeOffset.UtcNow.AddMinutes(-5), rig.DataPath(host));
            Directory.Delete(rig.DataPath(host), recursive: true);
        }

        server.Put(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "repo-secret", ["namespace"] = Namespace },
            ["data"] = new JsonObject { ["RESTIC_PASSWORD"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(repository.Password)) },
        });
        server.Put(new JsonObject
        {
            ["apiVersion"] = "stash.appscode.com/v1alpha1",
            ["kind"] = "Repository",
            ["metadata"] = new JsonObject { ["name"] = "sts-repo", ["namespace"] = Namespace },
            ["spec"] = new JsonObject
            {
                ["backend"] = new JsonObject { ["local"] = new JsonObject { ["mountPath"] = repository.RepositoryPath }, ["storageSecretName"] = "repo-secret" },
            },
        });
        var rules = new JsonArray([.. Enumerable.Range(0, Hosts).Select(h => (JsonNode)new JsonObject
        {
            ["targetHosts"] = new JsonArray($"host-{h}"),
            ["sourceHost"] = $"host-{h}",
            ["paths"] = new JsonArray(rig.DataPath(h)),
        })]);
        var target = new JsonObject
        {
            ["ref"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "StatefulSet", ["name"] = StatefulSet, ["namespace"] = Namespace },
            ["rules"] = rules,
        };
        if (volumeClaimTemplates)
        {
            target["replicas"] = Hosts;
            target["volumeClaimTemplates"] = JsonNode.Parse("""
                [{"metadata":{"name":"data-${POD_ORDINAL}"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]
                """);
        }
        server.Put(new JsonObject
        {
            ["apiVersion"] = "stash.appscode.com/v1beta1",
            ["kind"] = "RestoreSession",
            ["metadata"] = new JsonObject { ["name"] = Session, ["namespace"] = Namespace },
            ["spec"] = new JsonObject { ["repository"] = new JsonObject { ["name"] = "sts-repo" }, ["target"] = target },
        });

        // The operator's real ClusterRole, bound in the session's namespace to the pods' service account as the operator binds it.
        var role = (string)server.PutAll(roleYaml).Single()["metadata"]!["name"]!;
        server.Put($$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"{{bindingName}}","namespace":"{{Namespace}}"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"{{role}}"},
             "subjects":[{"kind":"ServiceAccount","name":"{{ServiceAccount}}","namespace":"{{Namespace}}"}]}
            """);
        return rig;
    }

    /// <summary>The backend Secret as the kubelet mounts it for older operators' <c>--secret-dir</c>: one file per key.</summary>
    public string MountedSecret()
    {
        var secret = Repository.CreateDirectory("mounted-secret");
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), Repository.Password);
        return secret;
    }

    /// <summary>
    /// One pod: the executor as a process with <paramref name="arguments"/> exactly, the downward-API
    /// environment the operator gives it, and its own token of the service account (through KUBECONFIG,
    /// as the in-cluster token would be). No POD_NAMESPACE: the operator sets none; the service account's namespace applies.
    /// </summary>
    public Task<CliResult> RunPodAsync(string pod, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var token = Server.IssueServiceAccountToken(Namespace, ServiceAccount);
        var kubeconfig = Server.WriteKubeconfig(Path.Combine(Repository.Root, $"kubeconfig-{pod}"), token, serviceAccount: $"{Namespace}:{ServiceAccount}");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.GetDirectoryName(Repository.Restic.Path)}:{Environment.GetEnvironmentVariable("PATH")}",
            ["HOME"] = Repository.Root,
            // No /stash-tmp here: the default scratch directory is $XDG_CACHE_HOME/stash-restore.
            ["XDG_CACHE_HOME"] = Path.Combine(Repository.Root, $"cache-{pod}"),
            ["KUBECONFIG"] = kubeconfig,
            ["POD_NAME"] = pod,
            ["NODE_NAME"] = "node-1",
        };
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>())
            environment[name] = value;
        return ExecutorProcess.RunAsync(arguments, environment, TimeSpan.FromMinutes(3));
    }

    public JsonArray Stats() =>
        Server.Get("stash.appscode.com/v1beta1", "RestoreSession", Namespace, Session)!["status"]?["stats"]?.AsArray() ?? [];

    /// <summary>The requests the pods' service account made that were refused.</summary>
    public IReadOnlyList<TestApiServer.RequestRecord> Forbidden() =>
        [.. Server.Requests.Where(r => r.User == ServiceAccountUser && r.StatusCode == 403)];

    public async ValueTask DisposeAsync()
    {
        await Pushgateway.DisposeAsync();
        await Server.DisposeAsync();
        Repository.Dispose();
    }
}
