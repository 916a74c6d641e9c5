using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Metrics;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// <c>restore-pvc</c>'s outcome handed on in <c>output.json</c>: a failed restore is written there Failed
/// (exit 0, so <c>update-status</c> records it); without <c>--output-dir</c> the exit code alone tells.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class RestoreOutputStoreTests(PushgatewayFixture gateway, RestoreJobCluster jobs) : IClassFixture<PushgatewayFixture>, IClassFixture<RestoreJobCluster>
{
    /// <summary>A password no other text in the run contains, so finding it anywhere is a leak.</summary>
    private const string WrongPassword = "not-the-pw-Zr8!qv";

    public static TheoryData<string, string> Failures => new()
    {
        { "wrong password", "wrong password" },
        { "missing path", "no snapshot" },
        { "missing secret", "secrets \"gone\" not found" },
    };

    [RequiresCrdsAndToolsTheory(TestTool.Pushgateway)]
    [MemberData(nameof(Failures))]
    public async Task A_failed_restore_exits_0_with_output_json_failed_and_update_status_records_it_with_a_warning(string failure, string expected)
    {
        var rig = jobs.NewJob();
        rig.Cluster.Server.Put($$$"""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"wrong-secret","namespace":"demo"},
             "data":{"RESTIC_PASSWORD":"{{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(WrongPassword))}}}"}}
            """);
        var arguments = failure switch
        {
            "wrong password" => rig.RestorePvcArguments(secret: "wrong-secret"),
            "missing path" => rig.RestorePvcArguments(restorePaths: "/no/such/path"),
            _ => rig.RestorePvcArguments(secret: "gone"),
        };

        var restore = await rig.RunAsync(arguments);

        Assert.True(restore.ExitCode == ExitCodes.Success, restore.ToString());
        var written = Assert.Single(rig.Output()["targetStatus"]!["stats"]!.AsArray())!.AsObject();
        Assert.Equal(("host-0", "Failed"), ((string?)written["hostname"], (string?)written["phase"]));
        var error = (string?)written["error"];
        Assert.Contains(expected, error, StringComparison.Ordinal);
        // The log says why, and that the failure was handed on.
        var log = RestoreJob.Messages(restore);
        Assert.Contains(expected, log, StringComparison.Ordinal);
        Assert.Contains("exit 0 so that update-status records it", log, StringComparison.Ordinal);
        Assert.Empty(rig.Stats());

        var update = await rig.RunAsync(rig.UpdateStatusArguments(gateway.Url.ToString()));

        // Recorded; no postRestore hook follows, so the Job fails (and the operator keeps it and its logs).
        Assert.True(update.ExitCode == ExitCodes.RestoreFailed, update.ToString());
        var entry = Assert.Single(rig.Stats())!;
        Assert.Equal(("Failed", error), ((string?)entry["phase"], (string?)entry["error"]));
        var warning = Assert.Single(rig.Events("HostRestoreFailed"));
        Assert.Equal(("Warning", $"Failed to restore host \"host-0\": {error}"), ((string?)warning["type"], (string?)warning["message"]));
        var pushed = PushgatewayFixture.Group(await PushgatewayFixture.ScrapeAsync(gateway.Url), rig.MetricsJob, "host-0");
        Assert.Equal(0, pushed.Single(s => s.Name == "stash_restore_host_restore_success").Value);
        Assert.All(new[] { restore.Error, update.Error, File.ReadAllText(rig.OutputFile), string.Join('\n', rig.ResticCalls()) },
            text => Assert.DoesNotContain(WrongPassword, text, StringComparison.Ordinal));
    }

    [RequiresCrdsFact]
    public async Task Without_output_dir_a_failed_restore_exits_1_and_writes_nothing()
    {
        var rig = jobs.NewJob();
        File.WriteAllText(rig.Cluster.FailNextMarker, "");
        var restore = await rig.RunAsync([.. rig.RestorePvcArguments().Where(a => !a.StartsWith("--output-dir=", StringComparison.Ordinal))]);

        Assert.Equal(ExitCodes.RestoreFailed, restore.ExitCode);
        Assert.Contains("injected failure", RestoreJob.Messages(restore), StringComparison.Ordinal);
        Assert.False(File.Exists(rig.OutputFile));
    }
}
