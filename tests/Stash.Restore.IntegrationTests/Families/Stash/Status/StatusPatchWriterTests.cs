using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.IntegrationTests.Kubernetes;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Stash.Restore.TestApiServer;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// How a planned status write reaches a RestoreSession on the test API server (real HTTPS, the real CRD
/// schema): read → plan → guarded JSON patch, again after a lost race, within a bounded number of attempts,
/// and a refusal that names the role granting the write.
/// </summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class StatusPatchWriterTests : IClassFixture<KubeTestCluster>
{
    private const string Namespace = KubeTestCluster.Namespace;
    private const string What = "status of host \"host-1\"";
    private readonly KubeTestCluster _cluster;

    public StatusPatchWriterTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    private StatusPatchWriter Writer(string session, string? token = null, int maxWriteAttempts = 40) =>
        new(_cluster.CreateApi(token), Namespace, session, KubeTestCluster.FastRetries with { MaxWriteAttempts = maxWriteAttempts }, TimeProvider.System, _cluster.Log.Logger);

    /// <summary>Creates <c>status.stats</c> with host-1 Running, guarded by the resourceVersion it was planned from.</summary>
    private static StatusPatch AddHost(JsonObject session, List<string?> plannedFrom)
    {
        var version = StatusPatch.ResourceVersion(session);
        plannedFrom.Add(version);
        return new StatusPatch(
            [
                new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = version },
                new JsonObject { ["op"] = "add", ["path"] = "/status", ["value"] = new JsonObject { ["stats"] = new JsonArray(new JsonObject { ["hostname"] = "host-1", ["phase"] = "Running" }) } },
            ],
            SelfGuarded: false);
    }

    private List<RequestRecord> RequestsFor(string session) =>
        _cluster.Server.Requests.Where(r => r.PathAndQuery.Contains($"/restoresessions/{session}/", StringComparison.Ordinal)).ToList();

    [RequiresCrdsFact]
    public async Task A_lost_race_is_read_again_and_replanned_until_the_patch_lands()
    {
        _cluster.SeedRestoreSession("writer-race");
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [409], MaxFaults = 2, Methods = ["PATCH"], PathContains = "/restoresessions/writer-race/" });
        var writer = Writer("writer-race");
        var plannedFrom = new List<string?>();

        await writer.WriteAsync(What, session => AddHost(session, plannedFrom), CancellationToken.None);

        Assert.Equal(3, writer.LastWriteAttempts);
        Assert.Equal(3, plannedFrom.Count);
        Assert.Equal(["GET", "PATCH", "GET", "PATCH", "GET", "PATCH"], RequestsFor("writer-race").Select(r => r.Method));
        Assert.Equal("""[{"hostname":"host-1","phase":"Running"}]""", _cluster.StoredSession("writer-race")["status"]!["stats"]!.ToJsonString());
    }

    [RequiresCrdsFact]
    public async Task A_plan_with_nothing_to_change_sends_no_patch()
    {
        _cluster.SeedRestoreSession("writer-nothing", """{"phase":"Running"}""");
        var writer = Writer("writer-nothing");
        JsonObject? seen = null;

        await writer.WriteAsync(What, session => { seen = session; return null; }, CancellationToken.None);

        Assert.Equal("Running", (string?)seen!["status"]!["phase"]);
        Assert.Equal(["GET"], RequestsFor("writer-nothing").Select(r => r.Method));
    }

    [RequiresCrdsFact]
    public async Task Races_lost_to_the_end_of_the_budget_are_exit_3_naming_what_the_session_and_the_attempts()
    {
        _cluster.SeedRestoreSession("writer-budget");
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [409], Methods = ["PATCH"], PathContains = "/restoresessions/writer-budget/" });
        var writer = Writer("writer-budget", maxWriteAttempts: 3);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => writer.WriteAsync(What, session => AddHost(session, []), CancellationToken.None));

        Assert.StartsWith($"could not write status of host \"host-1\" to RestoreSession {Namespace}/writer-budget in 3 attempts (", error.Message);
        Assert.Equal(ExitCodes.DependencyUnavailable, error.ExitCode);
        Assert.Equal(3, RequestsFor("writer-budget").Count(r => r.Method == "PATCH"));
        Assert.Null(_cluster.StoredSession("writer-budget")["status"]);
    }

    [RequiresCrdsFact]
    public async Task A_service_account_that_may_not_write_the_status_is_told_which_role_grants_it_without_a_retry()
    {
        _cluster.SeedRestoreSession("writer-forbidden");
        var token = _cluster.Server.AddToken($"system:serviceaccount:{Namespace}:status-reader",
            new AccessRule("get", "stash.appscode.com", "restoresessions", Namespace),
            new AccessRule("get", "stash.appscode.com", "restoresessions/status", Namespace));
        var writer = Writer("writer-forbidden", token);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => writer.WriteAsync(What, session => AddHost(session, []), CancellationToken.None));

        Assert.StartsWith("permission missing: ", error.Message);
        Assert.EndsWith($": {StashApi.StatusGrantedBy}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(1, writer.LastWriteAttempts);
    }

    [RequiresCrdsFact]
    public async Task A_service_account_that_may_not_read_the_status_is_told_which_role_grants_it()
    {
        _cluster.SeedRestoreSession("writer-unreadable");
        var token = _cluster.Server.AddToken($"system:serviceaccount:{Namespace}:no-status",
            new AccessRule("get", "stash.appscode.com", "restoresessions", Namespace));

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => Writer("writer-unreadable", token).ReadAsync(CancellationToken.None));

        Assert.StartsWith("permission missing: ", error.Message);
        Assert.EndsWith($": {StashApi.StatusGrantedBy}", error.Message);
    }
}
