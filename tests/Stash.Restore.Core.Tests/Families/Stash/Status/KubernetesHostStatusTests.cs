using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>The JSON patches the status store sends: exactly what each write relies on is tested.</summary>
public sealed class KubernetesHostStatusTests
{
    private static readonly JsonNode Entry = JsonNode.Parse("""{"hostname":"host-1","phase":"Succeeded","duration":"1.5s"}""")!;

    private static JsonObject Session(string? status) =>
        JsonNode.Parse($$"""{"metadata":{"name":"x","resourceVersion":"42"}{{(status is null ? "" : ",\"status\":" + status)}}}""")!.AsObject();

    [Fact]
    public void Without_status_the_patch_creates_it_guarded_by_resource_version()
    {
        var patch = KubernetesHostStatus.PlanStatsUpsert(Session(null), "host-1", Entry)!;

        Assert.Equal(
            """[{"op":"test","path":"/metadata/resourceVersion","value":"42"},{"op":"add","path":"/status","value":{"stats":[{"hostname":"host-1","phase":"Succeeded","duration":"1.5s"}]}}]""",
            patch.Operations.ToJsonString());
        Assert.False(patch.SelfGuarded);
        Assert.Equal("""[{"op":"add","path":"/status/stats/-","value":{"hostname":"host-1","phase":"Succeeded","duration":"1.5s"}}]""", patch.AfterLostRace!.ToJsonString());
    }

    [Fact]
    public void Without_stats_the_patch_adds_the_list_and_leaves_phase_and_total_hosts_alone()
    {
        var patch = KubernetesHostStatus.PlanStatsUpsert(Session("""{"phase":"Running","totalHosts":3}"""), "host-1", Entry)!;

        Assert.Equal(
            """[{"op":"test","path":"/metadata/resourceVersion","value":"42"},{"op":"add","path":"/status/stats","value":[{"hostname":"host-1","phase":"Succeeded","duration":"1.5s"}]}]""",
            patch.Operations.ToJsonString());
    }

    [Fact]
    public void A_new_host_is_appended_without_touching_other_entries()
    {
        var patch = KubernetesHostStatus.PlanStatsUpsert(
            Session("""{"stats":[{"hostname":"host-0","phase":"Running"}]}"""), "host-1", Entry)!;

        Assert.Equal("""[{"op":"add","path":"/status/stats/-","value":{"hostname":"host-1","phase":"Succeeded","duration":"1.5s"}}]""", patch.Operations.ToJsonString());
        Assert.False(patch.SelfGuarded); // an append relies on a fresh read showing the host absent
    }

    [Fact]
    public void An_existing_entry_is_replaced_in_place_after_testing_it_is_still_this_host()
    {
        var patch = KubernetesHostStatus.PlanStatsUpsert(
            Session("""{"stats":[{"hostname":"host-0","phase":"Running"},{"hostname":"host-1","phase":"Running"}]}"""), "host-1", Entry)!;

        Assert.Equal(
            """[{"op":"test","path":"/status/stats/1/hostname","value":"host-1"},{"op":"replace","path":"/status/stats/1","value":{"hostname":"host-1","phase":"Succeeded","duration":"1.5s"}}]""",
            patch.Operations.ToJsonString());
        Assert.True(patch.SelfGuarded);
    }

    [Fact]
    public void An_identical_entry_needs_no_write()
    {
        var patch = KubernetesHostStatus.PlanStatsUpsert(
            Session("""{"stats":[{"hostname":"host-1","phase":"Succeeded","duration":"1.5s"}]}"""), "host-1", Entry);

        Assert.Null(patch);
    }

    [Fact]
    public void Duplicate_entries_of_this_host_are_collapsed_into_one_with_every_index_tested()
    {
        var patch = KubernetesHostStatus.PlanStatsUpsert(
            Session("""{"stats":[{"hostname":"host-1","phase":"Running"},{"hostname":"host-0","phase":"Running"},{"hostname":"host-1","phase":"Running"},{"hostname":"host-1","phase":"Failed"}]}"""),
            "host-1", Entry)!;

        Assert.Equal(
            """[{"op":"test","path":"/status/stats/0/hostname","value":"host-1"},{"op":"test","path":"/status/stats/2/hostname","value":"host-1"},{"op":"test","path":"/status/stats/3/hostname","value":"host-1"},"""
            + """{"op":"replace","path":"/status/stats/0","value":{"hostname":"host-1","phase":"Succeeded","duration":"1.5s"}},{"op":"remove","path":"/status/stats/3"},{"op":"remove","path":"/status/stats/2"}]""",
            patch.Operations.ToJsonString());
    }
}
