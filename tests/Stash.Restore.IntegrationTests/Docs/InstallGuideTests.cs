using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Stash.Restore.Core.Cluster;

namespace Stash.Restore.IntegrationTests.Docs;

/// <summary>
/// docs/install.md and what it installs from deploy/: the YAML parses and says what the guide says, the
/// Kyverno ClusterPolicy and the KubeStash Functions pass their real CRDs' schemas (Kyverno v1.19's,
/// KubeStash catalog v2026.7.10's, under tests/crds) with kubectl's strict field validation, and every
/// command of the guide runs, as written, against the test API server after a real restore.
/// </summary>
public sealed partial class InstallGuideTests
{
    private const string Placeholder = "stash-restore:dev";

    private static string Read(string path) => File.ReadAllText(RepositoryRoot.File(path));

    private static List<JsonObject> Documents(string path) => Stash.Restore.TestApiServer.Yaml.ParseDocuments(Read(path));

    private static List<string> Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(n => (string)n!)] : [];

    [Fact]
    public void The_Kyverno_policy_rewrites_exactly_the_restore_containers_of_Pods_on_create()
    {
        var policy = Assert.Single(Documents("deploy/stash/kyverno-clusterpolicy.yaml"));

        Assert.Equal(("kyverno.io/v1", "ClusterPolicy", "stash-restore-executor"), ((string?)policy["apiVersion"], (string?)policy["kind"], (string?)policy["metadata"]!["name"]));
        Assert.Equal("none", (string?)policy["metadata"]!["annotations"]!["pod-policies.kyverno.io/autogen-controllers"]);
        Assert.Equal(("Ignore", false), ((string?)policy["spec"]!["failurePolicy"], (bool)policy["spec"]!["background"]!));
        var rules = policy["spec"]!["rules"]!.AsArray();
        // rule → (the list it walks, the container condition's values, the patched list)
        var expected = new Dictionary<string, (string List, string[] Conditions, string Patched)>
        {
            ["restore-init-container"] = ("request.object.spec.initContainers", ["stash-init", "restore"], "initContainers"),
            ["restore-job-container"] = ("request.object.spec.containers", ["stash", "restore", "--restore-model=job"], "containers"),
            ["restore-pvc-init-container"] = ("request.object.spec.initContainers", ["restore-pvc"], "initContainers"),
            ["restore-update-status-container"] = ("request.object.spec.containers", ["update-status", "--invoker-kind=RestoreSession"], "containers"),
            // With a post-task-hook the Job's last container is the hook's: update-status is an init-container then.
            ["restore-update-status-init-container"] = ("request.object.spec.initContainers", ["update-status", "--invoker-kind=RestoreSession"], "initContainers"),
            ["restore-hook-init-container"] = ("request.object.spec.initContainers", ["run-hook", "--invoker-kind=RestoreSession"], "initContainers"),
            ["restore-hook-container"] = ("request.object.spec.containers", ["run-hook", "--invoker-kind=RestoreSession"], "containers"),
        };
        Assert.Equal(expected.Keys.Order(), rules.Select(r => (string)r!["name"]!).Order());
        foreach (var rule in rules)
        {
            var (list, conditions, patched) = expected[(string)rule!["name"]!];
            var resources = rule["match"]!["any"]![0]!["resources"]!;
            Assert.Equal(["Pod"], Strings(resources["kinds"]));
            Assert.Equal(["CREATE"], Strings(resources["operations"]));
            var each = Assert.Single(rule["mutate"]!["foreach"]!.AsArray())!;
            Assert.Equal(list, (string?)each["list"]);
            var values = each["preconditions"]!["all"]!.AsArray().Select(c => (string?)c!["value"] is { } v && !v.StartsWith("{{", StringComparison.Ordinal) ? v : (string?)c["key"]).ToList();
            Assert.Equal(conditions, values);
            var container = Assert.Single(each["patchStrategicMerge"]!["spec"]![patched]!.AsArray())!;
            Assert.Equal(("{{ element.name }}", Placeholder), ((string?)container["name"], (string?)container["image"]));
        }
    }

    [Fact]
    public void The_KubeStash_Functions_are_the_catalogs_with_this_image()
    {
        var functions = Documents("deploy/kubestash/functions.yaml");
        var catalog = new Dictionary<string, string>
        {
            ["stash-restore-workload-restore"] = "tests/catalog/kubestash/workload-restore-function.yaml",
            ["stash-restore-pvc-restore"] = "tests/catalog/kubestash/pvc-restore-function.yaml",
        };

        Assert.Equal(catalog.Keys.Order(), functions.Select(f => (string)f["metadata"]!["name"]!).Order());
        foreach (var function in functions)
        {
            var original = Assert.Single(Documents(catalog[(string)function["metadata"]!["name"]!]));
            Assert.Equal(("addons.kubestash.com/v1alpha1", "Function"), ((string?)function["apiVersion"], (string?)function["kind"]));
            Assert.Equal(Strings(original["spec"]!["args"]), Strings(function["spec"]!["args"]));
            Assert.StartsWith("ghcr.io/kubestash/", (string?)original["spec"]!["image"], StringComparison.Ordinal);
            Assert.Equal(Placeholder, (string?)function["spec"]!["image"]);
        }
    }

    [Fact]
    public void The_lease_role_grants_exactly_get_create_update_on_leases()
    {
        var role = Assert.Single(Documents("deploy/rbac/stash-restore-leases.yaml"));

        Assert.Equal(("ClusterRole", "stash-restore-leases"), ((string?)role["kind"], (string?)role["metadata"]!["name"]));
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal(["coordination.k8s.io"], Strings(rule["apiGroups"]));
        Assert.Equal(["leases"], Strings(rule["resources"]));
        Assert.Equal(["get", "create", "update"], Strings(rule["verbs"]));
    }

    [Fact]
    public void The_README_links_the_guide_on_its_first_screen_and_the_anchors_the_executor_names_exist()
    {
        var readme = Read("README.md").Split('\n');
        Assert.Contains(readme.Take(30), l => l.Contains("(docs/install.md)", StringComparison.Ordinal));
        var guide = Read("docs/install.md");
        foreach (var anchor in new[] { "## Permissions", "## Lease claims" })
            Assert.Contains($"\n{anchor}\n", guide, StringComparison.Ordinal);
        Assert.Contains("docs/install.md#lease-claims", Core.Cluster.LeaseUnitClaims.PermissionHint, StringComparison.Ordinal);
        Assert.Contains("docs/install.md#permissions", Core.Families.Stash.StashApi.StatusGrantedBy, StringComparison.Ordinal);
        Assert.Contains("docs/install.md#permissions", Core.Families.KubeStash.KubernetesComponentStatus.StatusGrantedBy, StringComparison.Ordinal);
    }

    /// <summary>The guide's <c>```sh</c> blocks, as written.</summary>
    private static List<string> ShellBlocks(string guide) =>
        [.. ShellBlock().Matches(guide).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    private static async Task<(int ExitCode, string Stdout, string Stderr)> BashAsync(string script, string kubeconfig, string home)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot.Find()! };
        foreach (var arg in new[] { "-e", "-o", "pipefail", "-c", script })
            start.ArgumentList.Add(arg);
        start.Environment["KUBECONFIG"] = kubeconfig;
        start.Environment["HOME"] = home;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [RequiresKubectlFact]
    public async Task Every_command_of_the_guide_runs_as_written_after_a_real_restore()
    {
        var guide = Read("docs/install.md");
        var image = Regex.Match(guide, @"IMAGE=(\S+)").Groups[1].Value;
        await using var rig = await ClusterRig.StartAsync(serverOptions: new TestApiServer.TestApiServerOptions
        {
            ExtraCrdDirectories = [RepositoryRoot.File("tests/crds/kyverno"), RepositoryRoot.File("tests/crds/kubestash-addons")],
        });
        var server = rig.Server;
        // The cluster the guide is written for: the KubeStash catalog as Helm installs it, the Stash operator's
        // binding of its init-container role to the app's service account, the app's pod as Kyverno let it in,
        // and a KubeStash session one of whose components is restored.
        foreach (var file in new[] { "workload-addon", "pvc-addon", "workload-restore-function", "pvc-restore-function" })
            server.PutAll(Read($"tests/catalog/kubestash/{file}.yaml"));
        server.PutAll(Read("tests/rbac/stash/stash-restore-init-container.yaml"));
        server.Put("""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"stash-restore-init-container-deployment-app","namespace":"demo"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"stash-restore-init-container"},
             "subjects":[{"kind":"ServiceAccount","name":"default","namespace":"demo"}]}
            """);
        server.Put(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "app-7d9f8-x1", ["namespace"] = "demo" },
            ["spec"] = new JsonObject
            {
                ["serviceAccountName"] = "default",
                ["initContainers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "stash-init",
                    ["image"] = image,
                    ["args"] = new JsonArray("restore", "--invoker-kind=RestoreSession", "--invoker-name=app-restore"),
                }),
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx" }),
            },
        });
        var kubeStash = server.Put(KubeStashRestoreSessions.SampleRestoreJson);
        kubeStash["status"] = JsonNode.Parse("""{"phase":"Succeeded","components":{"dump":{"phase":"Succeeded","duration":"2.503s"}}}""");
        server.Put(kubeStash);

        // The pod's init-container: the executor restoring host-0 as the app's service account, its stderr the pod's log.
        var pod = await CliHarness.RunAsync(
            new Dictionary<string, string>
            {
                ["PATH"] = $"{rig.WrapperDirectory}:{Environment.GetEnvironmentVariable("PATH")}",
                ["POD_NAME"] = "app-7d9f8-x1",
                ["KUBECONFIG"] = server.WriteKubeconfig(Path.Combine(rig.Repository.Root, "pod-kubeconfig"), serviceAccount: "demo:default"),
            },
            "restore", "--invoker-kind=RestoreSession", "--invoker-name=app-restore", "--target-kind=Deployment", "--target-name=app",
            "--logtostderr=true", "--v=3", "--target-dir", Path.Combine(rig.Repository.Root, "target"),
            "--scratch-dir", Path.Combine(rig.Repository.Root, "scratch"));
        Assert.True(pod.ExitCode == ExitCodes.Success, pod.ToString());
        server.SetPodLog("demo", "app-7d9f8-x1", "stash-init", pod.Error);

        var blocks = ShellBlocks(guide);
        var undo = Assert.Single(blocks, b => b.Contains("kubectl delete -f deploy/kubestash/functions.yaml", StringComparison.Ordinal));
        var home = rig.Repository.CreateDirectory("kubectl-home");
        var outputs = new Dictionary<string, string>();
        foreach (var block in blocks.Where(b => b != undo))
        {
            var (code, stdout, stderr) = await BashAsync(block, rig.Kubeconfig, home);
            Assert.True(code == 0, $"exit {code}:\n{block}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
            outputs[block] = stdout;
        }
        string Output(string command) => outputs.Single(o => o.Key.Contains(command, StringComparison.Ordinal)).Value;

        // Stash: the policy is in, with the image.
        var policy = server.Get("kyverno.io/v1", "ClusterPolicy", null, "stash-restore-executor")!;
        Assert.All(policy["spec"]!["rules"]!.AsArray(), r => Assert.Contains($"\"image\":\"{image}\"", r!.ToJsonString(), StringComparison.Ordinal));
        Assert.Contains("stash-restore-executor", Output("kubectl get clusterpolicy"), StringComparison.Ordinal);
        // KubeStash: the Functions with the image, the Addons' restore tasks on them.
        Assert.Equal(image, (string?)server.Get("addons.kubestash.com/v1alpha1", "Function", null, "stash-restore-workload-restore")!["spec"]!["image"]);
        Assert.Equal(image, (string?)server.Get("addons.kubestash.com/v1alpha1", "Function", null, "stash-restore-pvc-restore")!["spec"]!["image"]);
        Assert.Equal(["stash-restore-workload-restore", "manifest-restore"], RestoreFunctions("workload-addon"));
        Assert.Equal(["stash-restore-pvc-restore", "stash-restore-pvc-restore", "volumesnapshot-restore"], RestoreFunctions("pvc-addon"));
        Assert.Equal("stash-restore-workload-restore\nSucceeded 2.503s\n", Output("kubectl get addon workload-addon"));
        // Permissions and leases: asked as the app's service account, bound as the guide says.
        Assert.Equal("yes\nyes\n", Output("kubectl auth can-i patch restoresessions"));
        Assert.Equal("default\nclusterrole.rbac.authorization.k8s.io/stash-restore-leases created\nrolebinding.rbac.authorization.k8s.io/stash-restore-leases created\nyes\n",
            Output("kubectl auth can-i update leases"));
        Assert.NotNull(server.Get("rbac.authorization.k8s.io/v1", "RoleBinding", "demo", "stash-restore-leases"));
        // Checking: the image, the log's result line, the status entries.
        Assert.Equal(image + "\n", Output("{.spec.initContainers"));
        Assert.Contains("Restored host \\\"host-0\\\"", Output("kubectl logs"), StringComparison.Ordinal);
        Assert.Matches(@"^host-0 Succeeded \S+\n$", Output("kubectl get restoresession app-restore"));

        // Going back: the catalog's Functions named again, this repository's gone.
        var (undoCode, _, undoError) = await BashAsync(undo, rig.Kubeconfig, home);
        Assert.True(undoCode == 0, undoError);
        Assert.Equal(["workload-restore", "manifest-restore"], RestoreFunctions("workload-addon"));
        Assert.Equal(["pvc-restore", "pvc-restore", "volumesnapshot-restore"], RestoreFunctions("pvc-addon"));
        Assert.Null(server.Get("addons.kubestash.com/v1alpha1", "Function", null, "stash-restore-workload-restore"));

        List<string> RestoreFunctions(string addon) =>
            [.. server.Get("addons.kubestash.com/v1alpha1", "Addon", null, addon)!["spec"]!["restoreTasks"]!.AsArray().Select(t => (string)t!["function"]!)];
    }

    [RequiresKubectlFact]
    public async Task The_policy_and_the_Functions_fail_their_CRDs_schemas_when_wrong()
    {
        await using var server = await TestApiServer.TestApiServer.StartAsync(new TestApiServer.TestApiServerOptions
        {
            ExtraCrdDirectories = [RepositoryRoot.File("tests/crds/kyverno"), RepositoryRoot.File("tests/crds/kubestash-addons")],
        });
        using var dir = new TempDir();
        var kubeconfig = server.WriteKubeconfig(Path.Combine(dir.Path, "kubeconfig"));
        var policy = Read("deploy/stash/kyverno-clusterpolicy.yaml");
        var functions = Read("deploy/kubestash/functions.yaml");

        // The files as shipped pass; the same with one word wrong do not — so the schemas are checked.
        foreach (var (text, expectedError) in new[]
                 {
                     (policy, (string?)null),
                     (functions, null),
                     (policy.Replace("operator: Equals", "operator: Equal", StringComparison.Ordinal), "Unsupported value: \"Equal\""),
                     (policy.Replace("patchStrategicMerge:", "patchStrategicMerg:", StringComparison.Ordinal), "unknown field \"spec.rules[0].mutate.foreach[0].patchStrategicMerg\""),
                     (functions.Replace("  args:", "  argz:", StringComparison.Ordinal), "unknown field \"spec.argz\""),
                 })
        {
            var file = Path.Combine(dir.Path, $"{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(file, text.Replace("name: stash-restore-", $"name: t{Guid.NewGuid():N}"[..12] + "-", StringComparison.Ordinal));
            var (code, _, stderr) = await Kubectl.RunAsync(kubeconfig, "create", "-f", file);
            if (expectedError is null)
                Assert.True(code == 0, stderr);
            else
                Assert.True(code != 0 && stderr.Contains(expectedError, StringComparison.Ordinal), $"{expectedError}: exit {code}, {stderr}");
        }
    }
}
