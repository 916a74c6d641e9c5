using System.Text.Json.Nodes;
using System.Text.Json;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// SPEC §15's RBAC table, the Stash rows: the executor started with the operator's exact argument list
/// (logger flags included) by every pod, each with its own token of a service account bound to the
/// operator's real ClusterRole (tests/rbac, copied from stashed/stash), against the test API server's
/// RBAC. Each restores every host's bytes with real restic, writes every host's status entry and Event
/// and pushes its metrics, is refused nothing it needs, and says once when leases are not granted.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class StashOperatorRbacTests
{
    private static string Pushgateway(OperatorRbacRig rig) => rig.Pushgateway.Url.ToString().TrimEnd('/');

    /// <summary>stashed/stash 844e1bc87 (v0.42) pkg/executor/init_container.go newRestoreInitContainer + LoggerOptions.ToFlags().</summary>
    private static string[] InitContainerArguments(OperatorRbacRig rig) =>
    [
        "restore", "--invoker-kind=RestoreSession", $"--invoker-name={OperatorRbacRig.Session}", $"--target-name={OperatorRbacRig.StatefulSet}",
        $"--target-namespace={OperatorRbacRig.Namespace}", "--target-kind=StatefulSet", "--enable-cache=true", "--max-connections=0",
        "--metrics-enabled=true", $"--pushgateway-url={Pushgateway(rig)}", "--use-kubeapiserver-fqdn-for-aks=false",
        "--logtostderr=true", "--alsologtostderr=false", "--v=3", "--stderrthreshold=2",
    ];

    /// <summary>
    /// stashed/stash v0.17.0 (56eeababb) pkg/util/init_container.go NewRestoreInitContainer: the Secret mounted at
    /// /etc/stash/repository/secret and passed as --secret-dir (here the same files in the test's directory).
    /// </summary>
    private static string[] InitContainerV017Arguments(OperatorRbacRig rig, string secretDirectory) =>
    [
        "restore", "--invoker-kind=RestoreSession", $"--invoker-name={OperatorRbacRig.Session}", $"--target-name={OperatorRbacRig.StatefulSet}",
        "--target-kind=StatefulSet", $"--secret-dir={secretDirectory}", "--enable-cache=true", "--max-connections=0",
        "--metrics-enabled=true", $"--pushgateway-url={Pushgateway(rig)}", "--use-kubeapiserver-fqdn-for-aks=true",
        "--logtostderr=true", "--alsologtostderr=false", "--v=3", "--stderrthreshold=2",
    ];

    /// <summary>stashed/stash 844e1bc87 pkg/executor/restore_job.go volumeRestorerPodTemplate: the restore Job's container.</summary>
    private static string[] RestoreJobArguments(OperatorRbacRig rig) =>
    [
        "restore", "--invoker-kind=RestoreSession", $"--invoker-name={OperatorRbacRig.Session}", "--target-kind=StatefulSet",
        $"--target-name={OperatorRbacRig.StatefulSet}", $"--target-namespace={OperatorRbacRig.Namespace}", "--restore-model=job",
        "--enable-cache=true", "--max-connections=0", "--metrics-enabled=true", $"--pushgateway-url={Pushgateway(rig)}",
        "--use-kubeapiserver-fqdn-for-aks=false", "--logtostderr=true", "--alsologtostderr=false", "--v=3", "--stderrthreshold=2",
    ];

    /// <summary>
    /// stashed/stash 844e1bc87 pkg/util/crds.go pvcRestoreFunction, as the resolver fills it for this session: a local
    /// Repository (--bucket its mountPath), no alias (--hostname empty) and rules for host-0..2 that the resolver matches
    /// against the alias only, so no --restore-paths or --snapshots; the pod's emptyDir is <paramref name="scratch"/>.
    /// </summary>
    private static string[] RestorePvcArguments(OperatorRbacRig rig, string scratch) =>
    [
        "restore-pvc", "--provider=local", $"--bucket={rig.Repository.RepositoryPath}", "--endpoint=", "--insecure-tls=false", "--region=", "--path=",
        "--enable-cache=true", "--max-connections=0", "--hostname=", "--restore-paths=", "--include=", "--exclude=", "--args=", "--snapshots=",
        $"--output-dir={scratch}/output", "--invoker-kind=RestoreSession", $"--invoker-name={OperatorRbacRig.Session}", "--storage-secret-name=repo-secret",
        $"--storage-secret-namespace={OperatorRbacRig.Namespace}", "--target-kind=StatefulSet", $"--target-name={OperatorRbacRig.StatefulSet}",
        $"--target-namespace={OperatorRbacRig.Namespace}", $"--scratch-dir={scratch}",
    ];

    /// <summary>stashed/stash 844e1bc87 pkg/util/crds.go updateStatusFunction, after <see cref="RestorePvcArguments"/>.</summary>
    private static string[] UpdateStatusArguments(OperatorRbacRig rig, string scratch) =>
    [
        "update-status", "--provider=local", $"--bucket={rig.Repository.RepositoryPath}", "--endpoint=", "--insecure-tls=false", "--region=", "--path=",
        "--enable-cache=true", "--max-connections=0", $"--namespace={OperatorRbacRig.Namespace}", "--backupsession=", "--storage-secret-name=repo-secret",
        $"--storage-secret-namespace={OperatorRbacRig.Namespace}", "--invoker-kind=RestoreSession", $"--invoker-name={OperatorRbacRig.Session}",
        "--target-kind=StatefulSet", $"--target-name={OperatorRbacRig.StatefulSet}", $"--target-namespace={OperatorRbacRig.Namespace}",
        $"--output-dir={scratch}/output", "--metrics-enabled=true", $"--scratch-dir={scratch}", $"--metrics-pushgateway-url={Pushgateway(rig)}",
    ];

    private static readonly string[] LoggerFlags = ["--logtostderr", "--alsologtostderr", "--stderrthreshold", "--use-kubeapiserver-fqdn-for-aks"];

    private const string LeaseWarning = "coordination.k8s.io leases get/create/update";


    /// <summary>What every row shows: bytes, status, Events, metrics, no error, the flags' one warning, and leases said once when missing.</summary>
    /// <param name="loggerFlags">Whether the pods were given the operator's logger flags (the restore Job's Functions are not).</param>
    private static void AssertEveryHostRestored(OperatorRbacRig rig, CliResult[] pods, bool leasesGranted, bool loggerFlags = true)
    {
        for (var host = 0; host < OperatorRbacRig.Hosts; host++)
        {
            var pod = pods[host];
            Assert.True(pod.ExitCode == ExitCodes.Success, $"pod {host} ({ExecutorProcess.Describe()}): {pod}");
            TestTree.AssertEqual(rig.Original(host), rig.DataPath(host));
            var lines = ExecutorLog.Lines(pod);
            Assert.DoesNotContain(lines, l => l.Level is "error" or "fatal");
            var warnings = lines.Where(l => l.Level == "warn").Select(l => l.Message).ToList();
            if (loggerFlags)
            {
                var flags = Assert.Single(warnings, w => w.Contains("accepted for compatibility with Stash operators", StringComparison.Ordinal));
                Assert.All(LoggerFlags, f => Assert.Contains(f, flags, StringComparison.Ordinal));
            }
            if (leasesGranted)
            {
                Assert.DoesNotContain(warnings, w => w.Contains(LeaseWarning, StringComparison.Ordinal));
            }
            else
            {
                var lease = Assert.Single(warnings, w => w.Contains(LeaseWarning, StringComparison.Ordinal));
                Assert.Contains($"cannot get resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"{OperatorRbacRig.Namespace}\"", lease, StringComparison.Ordinal);
                Assert.Contains("docs/install.md#lease-claims", lease, StringComparison.Ordinal);
            }
            Assert.True(warnings.Count == (loggerFlags ? 1 : 0) + (leasesGranted ? 0 : 1), $"pod {host} warned: {string.Join(" | ", warnings)}");
        }

        var stats = rig.Stats().Select(s => ((string?)s!["hostname"], (string?)s["phase"], (string?)s["error"])).OrderBy(s => s.Item1).ToList();
        Assert.Equal([("host-0", "Succeeded", null), ("host-1", "Succeeded", null), ("host-2", "Succeeded", null)], stats);
        Assert.All(rig.Stats(), s => Assert.True(Core.GoCompat.GoDuration.TryParse((string?)s!["duration"], out var d) && d > TimeSpan.Zero, s!.ToJsonString()));

        var events = rig.Server.List("v1", "Event", OperatorRbacRig.Namespace)
            .Where(e => (string?)e["involvedObject"]!["name"] == OperatorRbacRig.Session)
            .Select(e => ((string?)e["reason"], (string?)e["type"], (string?)e["message"]))
            .ToList();
        Assert.Equal(OperatorRbacRig.Hosts, events.Count);
        Assert.All(events, e => Assert.Equal(("HostRestoreSucceeded", "Normal"), (e.Item1, e.Item2)));
        Assert.Equal(["host-0", "host-1", "host-2"], events.Select(e => System.Text.RegularExpressions.Regex.Match(e.Item3!, @"host-\d").Value).Order());

        var pushes = rig.Pushgateway.Requests.Select(p => (p.Method, p.RawPath)).OrderBy(p => p.RawPath).ToList();
        Assert.Equal([.. Enumerable.Range(0, OperatorRbacRig.Hosts).Select(h => ("POST", $"/metrics/job/restoresession-demo-sts-restore/hostname/host-{h}"))], pushes);
    }

    /// <summary>Everything the service account was refused, as "verb path".</summary>
    private static List<string> Refused(OperatorRbacRig rig) =>
        [.. rig.Forbidden().Select(r => $"{r.Method} {r.PathAndQuery}")];

    [RequiresCrdsAndToolsFact]
    public async Task Init_container_v0_21_and_later_three_StatefulSet_pods_with_the_operators_arguments_under_stash_restore_init_container()
    {
        await using var rig = await OperatorRbacRig.StartAsync(OperatorRbacRig.RoleFile("tests/rbac/stash/stash-restore-init-container.yaml"),
            bindingName: "stash-restore-init-container-statefulset-recovered-sts");

        var pods = await Task.WhenAll(Enumerable.Range(0, OperatorRbacRig.Hosts)
            .Select(h => rig.RunPodAsync($"{OperatorRbacRig.StatefulSet}-{h}", InitContainerArguments(rig))));

        AssertEveryHostRestored(rig, pods, leasesGranted: true);
        Assert.Empty(Refused(rig));
        // Each host was claimed through its Lease and released.
        var leases = rig.Server.List("coordination.k8s.io/v1", "Lease", OperatorRbacRig.Namespace);
        Assert.Equal(["stash-restore-sts-restore-host-0", "stash-restore-sts-restore-host-1", "stash-restore-sts-restore-host-2"],
            leases.Select(l => (string?)l["metadata"]!["name"]).Order());
        Assert.All(leases, l => Assert.Null((string?)l["spec"]!["holderIdentity"]));
        // The Secret was read through the API, as v0.21+ grants it.
        Assert.Contains(rig.Server.Requests, r => r.User == rig.ServiceAccountUser && r.Method == "GET" && r.PathAndQuery == "/api/v1/namespaces/demo/secrets/repo-secret" && r.StatusCode == 200);
    }

    [RequiresCrdsAndToolsFact]
    public async Task Init_container_before_v0_21_reads_the_mounted_secret_and_restores_unclaimed_under_the_v0_17_role()
    {
        await using var rig = await OperatorRbacRig.StartAsync(OperatorRbacRig.RoleFile("tests/rbac/stash/stash-restore-init-container-v0.17.yaml"),
            bindingName: "stash-restore-init-container-statefulset-recovered-sts");
        var secret = rig.MountedSecret();

        var pods = await Task.WhenAll(Enumerable.Range(0, OperatorRbacRig.Hosts)
            .Select(h => rig.RunPodAsync($"{OperatorRbacRig.StatefulSet}-{h}", InitContainerV017Arguments(rig, secret))));

        AssertEveryHostRestored(rig, pods, leasesGranted: false);
        // Refused only the Lease each pod tried first; never the Secret, which it did not ask for.
        Assert.Equal([.. Enumerable.Range(0, OperatorRbacRig.Hosts).Select(h => $"GET /apis/coordination.k8s.io/v1/namespaces/demo/leases/stash-restore-sts-restore-host-{h}")],
            Refused(rig).Order());
        Assert.DoesNotContain(rig.Server.Requests, r => r.PathAndQuery.Contains("/secrets", StringComparison.Ordinal));
        Assert.Empty(rig.Server.List("coordination.k8s.io/v1", "Lease", OperatorRbacRig.Namespace));
    }

    [RequiresCrdsAndToolsFact]
    public async Task Restore_job_with_restore_model_job_takes_no_lease_under_stash_restore_job()
    {
        await using var rig = await OperatorRbacRig.StartAsync(OperatorRbacRig.RoleFile("tests/rbac/stash/stash-restore-job.yaml"),
            bindingName: "stash-restore-sts-restore-0", volumeClaimTemplates: true);

        // One Job per ordinal, as ensureClaimedVolumesAndJob makes them: POD_ORDINAL set, the pod named after its Job.
        var pods = await Task.WhenAll(Enumerable.Range(0, OperatorRbacRig.Hosts)
            .Select(h => rig.RunPodAsync($"stash-restore-sts-restore-0-{h}-x7k2p", RestoreJobArguments(rig),
                new Dictionary<string, string> { ["POD_ORDINAL"] = h.ToString(System.Globalization.CultureInfo.InvariantCulture) })));

        AssertEveryHostRestored(rig, pods, leasesGranted: true);
        Assert.Empty(Refused(rig));
        Assert.DoesNotContain(rig.Server.Requests, r => r.PathAndQuery.Contains("/leases", StringComparison.Ordinal));
    }

    /// <summary>
    /// Stash's restore Job for a StatefulSet's volumeClaimTemplates, one Job per ordinal: restore-pvc then update-status,
    /// each with its Function's exact arguments, under the restore Job's role (no leases, none needed). The Functions carry
    /// no paths (the resolver matched the per-host rules against the empty alias), so each host's own rule decides.
    /// </summary>
    [RequiresCrdsAndToolsFact]
    public async Task Restore_job_restore_pvc_then_update_status_with_the_Functions_arguments_under_stash_restore_job()
    {
        await using var rig = await OperatorRbacRig.StartAsync(OperatorRbacRig.RoleFile("tests/rbac/stash/stash-restore-job.yaml"),
            bindingName: "stash-restore-sts-restore-0", volumeClaimTemplates: true);

        var pods = await Task.WhenAll(Enumerable.Range(0, OperatorRbacRig.Hosts).Select(async h =>
        {
            var pod = $"stash-restore-sts-restore-0-{h}-x7k2p";
            var ordinal = new Dictionary<string, string> { ["POD_ORDINAL"] = h.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var scratch = rig.Repository.CreateDirectory($"stash-tmp-{h}");
            var restore = await rig.RunPodAsync(pod, RestorePvcArguments(rig, scratch), ordinal);
            Assert.True(restore.ExitCode == ExitCodes.Success, $"restore-pvc of host-{h}: {restore}");
            Assert.DoesNotContain(ExecutorLog.Lines(restore), l => l.Level is "error" or "warn");
            return await rig.RunPodAsync(pod, UpdateStatusArguments(rig, scratch), ordinal);
        }));

        AssertEveryHostRestored(rig, pods, leasesGranted: true, loggerFlags: false);
        Assert.Empty(Refused(rig));
        Assert.DoesNotContain(rig.Server.Requests, r => r.PathAndQuery.Contains("/leases", StringComparison.Ordinal));
    }

    [RequiresCrdsAndToolsFact]
    public async Task A_session_named_by_restore_session_is_Stash_by_the_operators_flags_without_reading_KubeStash_objects()
    {
        await using var rig = await OperatorRbacRig.StartAsync(OperatorRbacRig.RoleFile("tests/rbac/stash/stash-restore-init-container-v0.17.yaml"),
            bindingName: "stash-restore-init-container-statefulset-recovered-sts");
        var secret = rig.MountedSecret();

        // Older operators named the session with --restore-session; their --restore-model and --secret-dir say it is Stash's.
        var pod = await rig.RunPodAsync($"{OperatorRbacRig.StatefulSet}-1",
        [
            "restore", $"--restore-session={OperatorRbacRig.Session}", $"--secret-dir={secret}", "--enable-cache=true", "--max-connections=0",
            "--metrics-enabled=true", $"--pushgateway-url={Pushgateway(rig)}", "--restore-model=init-container",
            "--enable-status-subresource=true", "--service-name=stash-operator", "--enable-analytics=true",
        ]);

        Assert.True(pod.ExitCode == ExitCodes.Success, pod.ToString());
        TestTree.AssertEqual(rig.Original(1), rig.DataPath(1));
        Assert.Equal(("host-1", "Succeeded"), ((string?)rig.Stats().Single()!["hostname"], (string?)rig.Stats().Single()!["phase"]));
        Assert.Equal(
        [
            "GET /apis/coordination.k8s.io/v1/namespaces/demo/leases/stash-restore-sts-restore-host-1",
        ], Refused(rig).Order());
        Assert.DoesNotContain(rig.Server.Requests, r => r.PathAndQuery.Contains("kubestash.com", StringComparison.Ordinal));
    }
}
