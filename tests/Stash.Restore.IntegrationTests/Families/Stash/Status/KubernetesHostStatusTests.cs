using System.Text.Json;
using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.Kubernetes;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>Status writes through <c>/status</c> against the real CRD schema (pruning, validation).</summary>
// The 200-host runs load both cores; lease timings must not compete with them.
[Collection(KubernetesLoadCollection.Name)]
public sealed class KubernetesHostStatusTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;

    public KubernetesHostStatusTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    private KubernetesHostStatus Store(string session, KubernetesApi? api = null) =>
        new(api ?? _cluster.CreateApi(), KubeTestCluster.Namespace, session, KubeTestCluster.FastRetries, TimeProvider.System, _cluster.Log.Logger);

    private static List<JsonObject> Stats(JsonObject session) =>
        (session["status"]?["stats"] as JsonArray ?? []).Select(n => n!.AsObject()).ToList();

    [RequiresCrdsFact]
    public async Task Upsert_keeps_other_hosts_and_never_touches_phase_or_total_hosts()
    {
        _cluster.SeedRestoreSession("keep-others", """{"phase":"Running","totalHosts":3,"stats":[{"hostname":"host-0","phase":"Succeeded","duration":"2s"}]}""");
        var store = Store("keep-others");

        await store.UpsertAsync(new() { Hostname = "host-1", Phase = HostPhase.Running }, CancellationToken.None);
        await store.UpsertAsync(new() { Hostname = "host-1", Phase = HostPhase.Succeeded, Duration = "884.431745ms" }, CancellationToken.None);
        var mine = await store.GetAsync("host-1", CancellationToken.None);
        var absent = await store.GetAsync("host-9", CancellationToken.None);

        var stored = _cluster.StoredSession("keep-others");
        Assert.Equal("Running", stored["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(3, stored["status"]!["totalHosts"]!.GetValue<int>());
        Assert.Equal(
            """[{"hostname":"host-0","phase":"Succeeded","duration":"2s"},{"hostname":"host-1","phase":"Succeeded","duration":"884.431745ms"}]""",
            stored["status"]!["stats"]!.ToJsonString());
        Assert.Equal(new HostRestoreStats { Hostname = "host-1", Phase = "Succeeded", Duration = "884.431745ms" }, mine);
        Assert.Null(absent);
        Assert.All(_cluster.Server.Requests.Where(r => r.Method == "PATCH" && r.PathAndQuery.Contains("keep-others", StringComparison.Ordinal)),
            // The media type; parameters such as charset are ignored by the API server.
            r => Assert.Equal("application/json-patch+json", r.ContentType?.Split(';')[0].Trim()));
    }

    [RequiresCrdsFact]
    public async Task Every_field_the_store_writes_survives_the_schema_pruning()
    {
        _cluster.SeedRestoreSession("pruning");
        var store = Store("pruning");
        var entry = new HostRestoreStats { Hostname = "host-3", Phase = HostPhase.Failed, Duration = "2m40.595857548s", Error = "restic exited with 1: Fatal: wrong password" };
        var condition = new Condition
        {
            Type = "PreRestoreHookExecutionSucceeded",
            Status = "False",
            Reason = "FailedToExecutePreRestoreHook",
            Message = "host-3: exit code 2",
            ObservedGeneration = 1,
        };

        await store.UpsertAsync(entry, CancellationToken.None);
        await store.SetConditionAsync(condition, CancellationToken.None);

        var status = _cluster.StoredSession("pruning")["status"]!;
        var storedEntry = Assert.Single(status["stats"]!.AsArray())!;
        Assert.True(JsonNode.DeepEquals(JsonSerializer.SerializeToNode(entry, StashJsonContext.Default.HostRestoreStats), storedEntry), storedEntry.ToJsonString());
        var storedCondition = Assert.Single(status["conditions"]!.AsArray())!.AsObject();
        Assert.Equal(["lastTransitionTime", "message", "observedGeneration", "reason", "status", "type"], storedCondition.Select(p => p.Key).Order());
        Assert.Equal(("False", "FailedToExecutePreRestoreHook", "host-3: exit code 2", 1L),
            (storedCondition["status"]!.GetValue<string>(), storedCondition["reason"]!.GetValue<string>(), storedCondition["message"]!.GetValue<string>(), storedCondition["observedGeneration"]!.GetValue<long>()));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", storedCondition["lastTransitionTime"]!.GetValue<string>());
    }

    [RequiresCrdsFact]
    public async Task A_value_the_schema_refuses_is_invalid_input_after_a_bounded_number_of_tries()
    {
        _cluster.SeedRestoreSession("bogus");
        await Store("bogus").UpsertAsync(new() { Hostname = "host-0", Phase = HostPhase.Running }, CancellationToken.None);
        var store = Store("bogus");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => store.UpsertAsync(new() { Hostname = "host-0", Phase = "Bogus" }, CancellationToken.None));

        Assert.Contains("status.stats[0].phase: Unsupported value: \"Bogus\"", error.Message);
        Assert.Equal(2, store.LastWriteAttempts); // the re-read shows nothing changed: not a lost race
    }

    [RequiresCrdsFact]
    public async Task A_refused_value_for_the_first_entry_is_invalid_input_too()
    {
        _cluster.SeedRestoreSession("bogus-first", """{"phase":"Running"}""");
        var store = Store("bogus-first");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => store.UpsertAsync(new() { Hostname = "host-0", Phase = "Bogus" }, CancellationToken.None));

        Assert.True(error.Message.Contains("Unsupported value: \"Bogus\"", StringComparison.Ordinal), error.Message);
        Assert.True(store.LastWriteAttempts <= 3, $"{store.LastWriteAttempts} attempts");
    }

    [RequiresCrdsFact]
    public async Task Duplicate_entries_of_a_host_are_collapsed_on_its_next_write()
    {
        _cluster.SeedRestoreSession("duplicates", """{"stats":[{"hostname":"host-0","phase":"Running"},{"hostname":"host-1","phase":"Failed"},{"hostname":"host-0","phase":"Running"}]}""");

        await Store("duplicates").UpsertAsync(new() { Hostname = "host-0", Phase = HostPhase.Succeeded, Duration = "3s" }, CancellationToken.None);

        Assert.Equal(
            """[{"hostname":"host-0","phase":"Succeeded","duration":"3s"},{"hostname":"host-1","phase":"Failed"}]""",
            _cluster.StoredSession("duplicates")["status"]!["stats"]!.ToJsonString());
    }

    [RequiresCrdsFact]
    public async Task A_false_condition_from_one_host_is_never_overwritten_by_a_true_from_another()
    {
        _cluster.SeedRestoreSession("conditions");
        var failed = new Condition { Type = "PostRestoreHookExecutionSucceeded", Status = "False", Reason = "FailedToExecutePostRestoreHook", Message = "host-1 failed" };
        var succeeded = failed with { Status = "True", Reason = "SuccessfullyExecutedPostRestoreHook", Message = "host-2 ok" };

        await Store("conditions").SetConditionAsync(succeeded, CancellationToken.None);
        await Store("conditions").SetConditionAsync(failed, CancellationToken.None);
        await Store("conditions").SetConditionAsync(succeeded with { Message = "host-3 ok" }, CancellationToken.None);

        var condition = Assert.Single(_cluster.StoredSession("conditions")["status"]!["conditions"]!.AsArray())!;
        Assert.Equal("False", condition["status"]!.GetValue<string>());
        Assert.Equal("host-1 failed", condition["message"]!.GetValue<string>());
    }

    [RequiresCrdsFact]
    public async Task Concurrent_hosts_setting_one_condition_leave_one_entry_and_any_false_wins()
    {
        _cluster.SeedRestoreSession("conditions-race");
        var tasks = Enumerable.Range(0, 20).Select(i => Task.Run(() => Store("conditions-race").SetConditionAsync(new Condition
        {
            Type = "PreRestoreHookExecutionSucceeded",
            Status = i == 13 ? "False" : "True",
            Reason = i == 13 ? "FailedToExecutePreRestoreHook" : "SuccessfullyExecutedPreRestoreHook",
            Message = $"host-{i}",
        }, CancellationToken.None)));

        await Task.WhenAll(tasks);

        var condition = Assert.Single(_cluster.StoredSession("conditions-race")["status"]!["conditions"]!.AsArray())!;
        Assert.Equal("False", condition["status"]!.GetValue<string>());
        Assert.Equal("host-13", condition["message"]!.GetValue<string>());
    }

    [RequiresCrdsFact]
    public async Task Two_hundred_hosts_upserting_at_once_leave_exactly_two_hundred_correct_entries()
    {
        _cluster.SeedRestoreSession("contention", """{"phase":"Running","totalHosts":200}""");

        await RunHostsAsync("contention", 200);

        AssertAllHostsSucceeded("contention", 200);
    }

    [RequiresCrdsFact]
    public async Task Two_hundred_hosts_with_injected_conflicts_errors_drops_and_latency_still_leave_exactly_two_hundred()
    {
        _cluster.SeedRestoreSession("contention-faults", """{"phase":"Running","totalHosts":200}""");
        _cluster.Server.Faults.Set(new FaultPlan
        {
            Rate = 0.10,
            StatusCodes = [409, 500, 503],
            DropConnectionRate = 0.02,
            Latency = TimeSpan.FromMilliseconds(3),
            PathContains = "/restoresessions/contention-faults",
            Seed = 42,
        });

        await RunHostsAsync("contention-faults", 200);

        Assert.True(_cluster.Server.Faults.InjectedCount > 20, $"only {_cluster.Server.Faults.InjectedCount} faults were injected");
        _cluster.Server.Faults.Clear();
        AssertAllHostsSucceeded("contention-faults", 200);
    }

    /// <summary>Every host is its own executor: own connection, own store; Running, then Succeeded.</summary>
    private async Task RunHostsAsync(string session, int hosts)
    {
        var configuration = _cluster.LoadConfiguration();
        var start = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, hosts).Select(i => Task.Run(async () =>
        {
            var store = Store(session, _cluster.CreateApi(configuration));
            await start.Task;
            await store.UpsertAsync(new() { Hostname = $"host-{i}", Phase = HostPhase.Running }, CancellationToken.None);
            await store.UpsertAsync(new() { Hostname = $"host-{i}", Phase = HostPhase.Succeeded, Duration = $"{i}.5s" }, CancellationToken.None);
        })).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);
    }

    private void AssertAllHostsSucceeded(string session, int hosts)
    {
        var stored = _cluster.StoredSession(session);
        var stats = Stats(stored);
        Assert.Equal(hosts, stats.Count);
        Assert.Equal(hosts, stats.Select(s => s["hostname"]!.GetValue<string>()).Distinct().Count());
        foreach (var entry in stats)
        {
            var i = int.Parse(entry["hostname"]!.GetValue<string>()["host-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal($$"""{"hostname":"host-{{i}}","phase":"Succeeded","duration":"{{i}}.5s"}""", entry.ToJsonString());
        }
        Assert.Equal("Running", stored["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(hosts, stored["status"]!["totalHosts"]!.GetValue<int>());
    }
}
