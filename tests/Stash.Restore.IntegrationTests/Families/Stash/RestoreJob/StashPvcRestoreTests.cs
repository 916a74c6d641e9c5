using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Metrics;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// Stash's stand-alone PVC restore Job, container by container with the Functions' exact arguments:
/// <c>restore-pvc</c> (real restic, the backend Secret through the test API server) hands the host's
/// outcome to <c>update-status</c> through <c>output.json</c>, which records it in the RestoreSession,
/// writes the Event and pushes the metrics to a real Pushgateway.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class StashPvcRestoreTests(PushgatewayFixture gateway, RestoreJobCluster jobs) : IClassFixture<PushgatewayFixture>, IClassFixture<RestoreJobCluster>
{
    private const string DurationPattern = @"^[0-9.]+(µs|ms|s)$|^\d+m[0-9.]+s$";

    [RequiresCrdsAndToolsFact(TestTool.Pushgateway)]
    public async Task Restore_pvc_then_update_status_restore_the_bytes_and_record_the_host_with_an_event_and_metrics()
    {
        var rig = jobs.NewJob();
        // Both containers as processes: under scripts/test.sh the published Native AOT binary (source-generated JSON both ways).
        var restore = await rig.RunAsProcessAsync(rig.RestorePvcArguments());

        Assert.True(restore.ExitCode == ExitCodes.Success, restore.ToString());
        TestTree.AssertEqual(rig.Cluster.Original, rig.RestoredData);
        // restore-pvc hands on; the session is update-status's to write.
        Assert.Empty(rig.Stats());
        var output = rig.Output();
        Assert.Equal(["targetStatus"], output.Select(p => p.Key));
        Assert.Equal("""{"apiVersion":"v1","kind":"PersistentVolumeClaim","name":"data","namespace":"demo"}""", output["targetStatus"]!["ref"]!.ToJsonString());
        var written = Assert.Single(output["targetStatus"]!["stats"]!.AsArray())!.AsObject();
        Assert.Equal(["hostname", "phase", "duration"], written.Select(p => p.Key));
        Assert.Equal(("host-0", "Succeeded"), ((string?)written["hostname"], (string?)written["phase"]));
        Assert.Matches(DurationPattern, (string?)written["duration"]);
        // The host's own latest snapshot of the path, into the PVC's mount.
        var call = Assert.Single(rig.ResticCalls(), l => l.StartsWith("restore ", StringComparison.Ordinal));
        Assert.StartsWith($"restore latest --path {rig.Cluster.DataPath} --host host-0 --target {rig.Target}", call, StringComparison.Ordinal);

        var update = await rig.RunAsProcessAsync(rig.UpdateStatusArguments(gateway.Url.ToString()));

        Assert.True(update.ExitCode == ExitCodes.Success, update.ToString());
        var entry = Assert.Single(rig.Stats())!.AsObject();
        Assert.Equal(written.ToJsonString(), entry.ToJsonString());
        Assert.Null(rig.Session()["status"]?["phase"]);
        var restored = Assert.Single(rig.Events("HostRestoreSucceeded"));
        Assert.Equal("Normal", (string?)restored["type"]);
        Assert.Equal($"Restored host \"host-0\" in {written["duration"]}", (string?)restored["message"]);

        var pushed = PushgatewayFixture.Group(await PushgatewayFixture.ScrapeAsync(gateway.Url), rig.MetricsJob, "host-0");
        double Value(string name) => pushed.Single(s => s.Name == name).Value;
        Assert.Equal(1, Value("stash_restore_host_restore_success"));
        Assert.Equal(1, Value("stash_appscode_com_restoresession_host_restore_success"));
        Assert.InRange(Value("stash_restore_host_restore_duration_seconds"), 0.001, 120);
        // output.json does not say how many files: nothing is pushed rather than a 0.
        Assert.DoesNotContain(pushed, s => s.Name == "stash_restore_host_restore_files_restored");
        var labels = pushed.Single(s => s.Name == "stash_restore_host_restore_success").Labels;
        Assert.Equal(("PersistentVolumeClaim", "", "data", "test-repo", "storage"),
            (labels["kind"], labels["group"], labels["name"], labels["repository"], labels["team"]));

        // The password reaches restic by environment only, and no text the two containers leave.
        Assert.All(new[] { restore.Error, restore.Output, update.Error, File.ReadAllText(rig.OutputFile), string.Join('\n', rig.ResticCalls()) },
            text => Assert.DoesNotContain(rig.Cluster.Repository.Password, text, StringComparison.Ordinal));
    }

    [RequiresCrdsFact]
    public async Task Snapshots_restore_by_Stash_Snapshot_name_and_by_restic_id()
    {
        var rig = jobs.NewJob();
        var id = (string)JsonNode.Parse(await rig.Cluster.Repository.RunResticAsync("snapshots", "--json"))!.AsArray().Single()!["id"]!;

        var byName = await rig.RunAsync(rig.RestorePvcArguments(snapshots: $"test-repo-{id[..8]}"));
        Assert.True(byName.ExitCode == ExitCodes.Success, byName.ToString());
        Assert.Equal("Succeeded", (string?)rig.Output()["targetStatus"]!["stats"]![0]!["phase"]);
        TestTree.AssertEqual(rig.Cluster.Original, rig.RestoredData);

        Directory.Delete(rig.Target, recursive: true);
        var byId = await rig.RunAsync(rig.RestorePvcArguments(snapshots: id));
        Assert.True(byId.ExitCode == ExitCodes.Success, byId.ToString());
        TestTree.AssertEqual(rig.Cluster.Original, rig.RestoredData);

        var calls = rig.ResticCalls().Where(l => l.StartsWith("restore ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, calls.Count);
        Assert.StartsWith($"restore {id[..8]} --target ", calls[0], StringComparison.Ordinal);
        Assert.StartsWith($"restore {id} --target ", calls[1], StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task Args_include_and_exclude_reach_restics_argv_and_decide_what_is_restored()
    {
        var rig = jobs.NewJob();
        // Stash's resolver joins target.args with spaces.
        var included = await rig.RunAsync(rig.RestorePvcArguments(include: "*.txt", args: "--no-lock --sparse"));
        Assert.True(included.ExitCode == ExitCodes.Success, included.ToString());
        var restored = TestTree.Read(rig.RestoredData).Where(e => e.Value.Kind != "dir").Select(e => e.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["README.txt", "dir with spaces/file name.txt", "données/été-日本語.txt", "logs/keep.txt"], restored);
        var call = Assert.Single(rig.ResticCalls(), l => l.StartsWith("restore ", StringComparison.Ordinal));
        Assert.Contains($"--target {rig.Target} --include *.txt --no-lock --sparse --json", call, StringComparison.Ordinal);

        Directory.Delete(rig.Target, recursive: true);
        var excluded = await rig.RunAsync(rig.RestorePvcArguments(exclude: "logs,*.bin"));
        Assert.True(excluded.ExitCode == ExitCodes.Success, excluded.ToString());
        var left = TestTree.Read(rig.RestoredData).Keys.ToList();
        Assert.DoesNotContain(left, k => k.StartsWith("logs", StringComparison.Ordinal) || k.EndsWith(".bin", StringComparison.Ordinal));
        Assert.Contains("README.txt", left);
        Assert.Contains("--exclude logs --exclude *.bin", rig.ResticCalls().Last(l => l.StartsWith("restore ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
