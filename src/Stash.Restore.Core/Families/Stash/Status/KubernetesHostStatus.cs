using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// This host's entry in one RestoreSession's <c>status.stats[]</c>, and the hook conditions, written
/// through the <c>/status</c> subresource. This class plans the patches; <see cref="StatusPatchWriter"/>
/// reads, sends and retries them.
/// </summary>
/// <remarks>
/// Every write is a read of the latest object followed by an RFC 6902 JSON patch whose
/// <c>test</c> ops pin exactly what the change relies on: replacing entry <c>i</c> tests that
/// <c>stats[i].hostname</c> is still this host; creating <c>status</c> or <c>stats</c> tests
/// the resourceVersion. Appending a new entry needs no test: the server applies the append to
/// its latest object, so hosts appending at once never conflict, and an append that may have
/// been applied is never re-sent blindly — the next round re-reads and finds it. A PUT with a
/// resourceVersion would be exact too, but under 200 concurrent hosts almost every PUT loses
/// the race. The patches touch nothing but <c>stats</c> and <c>conditions</c>; <c>phase</c> and
/// <c>totalHosts</c> belong to the operator.
/// </remarks>
/// <param name="random">Jitters the conflict back-off; the system generator when not given.</param>
internal sealed class KubernetesHostStatus(
    IKubernetesApi api, string @namespace, string sessionName, KubernetesRetryOptions options, TimeProvider timeProvider, ILogger logger, IRandomSource? random = null)
    : IHostStatusStore
{
    private readonly StatusPatchWriter _writer = new(api, @namespace, sessionName, options, timeProvider, logger, random);

    /// <summary>Rounds (read + patch) the last write took; 1 when nothing got in its way.</summary>
    public int LastWriteAttempts => _writer.LastWriteAttempts;

    public async Task<HostRestoreStats?> GetAsync(string hostname, CancellationToken cancellationToken)
    {
        var session = await _writer.ReadAsync(cancellationToken).ConfigureAwait(false);
        var stats = session["status"]?["stats"] as JsonArray;
        var index = IndexOf(stats, "hostname", hostname);
        return index < 0 ? null : stats![index].Deserialize(StashJsonContext.Default.HostRestoreStats);
    }

    public Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(entry.Hostname))
            throw new ArgumentException("a status entry needs a hostname", nameof(entry));
        // Only the schema's fields, so nothing is pruned and nothing foreign is written.
        var value = JsonSerializer.SerializeToNode(
            new HostRestoreStats { Hostname = entry.Hostname, Phase = entry.Phase, Duration = entry.Duration, Error = entry.Error },
            StashJsonContext.Default.HostRestoreStats)!;
        return _writer.WriteAsync($"status of host \"{entry.Hostname}\"", session => PlanStatsUpsert(session, entry.Hostname, value), cancellationToken);
    }

    public Task SetConditionAsync(Condition condition, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(condition.Type) || string.IsNullOrEmpty(condition.Status))
            throw new ArgumentException("a condition needs a type and a status", nameof(condition));
        var value = JsonSerializer.SerializeToNode(
            condition with { LastTransitionTime = condition.LastTransitionTime ?? Condition.TransitionTime(timeProvider.GetUtcNow()) },
            StashJsonContext.Default.Condition)!;
        return _writer.WriteAsync($"condition {condition.Type}", session => PlanConditionUpsert(session, condition, value), cancellationToken);
    }

    /// <summary>The patch for upserting one host's entry into <paramref name="session"/>; null when it is already there.</summary>
    internal static StatusPatch? PlanStatsUpsert(JsonObject session, string hostname, JsonNode entry)
    {
        JsonArray Append() => [Op("add", "/status/stats/-", entry.DeepClone())];

        var status = session["status"] as JsonObject;
        if (status is null)
            return new(GuardedByVersion(session, Op("add", "/status", new JsonObject { ["stats"] = new JsonArray(entry.DeepClone()) })), SelfGuarded: false, Append());
        if (status["stats"] is not JsonArray stats)
            return new(GuardedByVersion(session, Op("add", "/status/stats", new JsonArray(entry.DeepClone()))), SelfGuarded: false, Append());

        var indexes = IndexesOf(stats, "hostname", hostname);
        if (indexes.Count == 0)
            return new(Append(), SelfGuarded: false);
        var index = indexes[0];
        if (indexes.Count == 1 && JsonNode.DeepEquals(stats[index], entry))
            return null;
        var operations = new JsonArray();
        foreach (var i in indexes)
            operations.Add(Op("test", $"/status/stats/{i}/hostname", JsonValue.Create(hostname)));
        operations.Add(Op("replace", $"/status/stats/{index}", entry.DeepClone()));
        // Duplicates (older Stash wrote them; two executors of one host could) go, last first so indexes hold.
        foreach (var i in indexes.Skip(1).Reverse())
            operations.Add((JsonNode)new JsonObject { ["op"] = "remove", ["path"] = $"/status/stats/{i}" });
        return new(operations, SelfGuarded: true);
    }

    /// <summary>
    /// Upsert by type. A False, once written by any host, stays: a True from another host does
    /// not replace it. The same status again changes nothing (the first message and
    /// lastTransitionTime are kept, as a transition time should be).
    /// </summary>
    /// <param name="value">The condition as written, its <c>lastTransitionTime</c> set.</param>
    private static StatusPatch? PlanConditionUpsert(JsonObject session, Condition condition, JsonNode value)
    {
        var status = session["status"] as JsonObject;
        if (status is null)
            return new(GuardedByVersion(session, Op("add", "/status", new JsonObject { ["conditions"] = new JsonArray(value.DeepClone()) })), SelfGuarded: false);
        if (status["conditions"] is not JsonArray conditions)
            return new(GuardedByVersion(session, Op("add", "/status/conditions", new JsonArray(value.DeepClone()))), SelfGuarded: false);

        var index = IndexOf(conditions, "type", condition.Type!);
        if (index < 0)
        {
            // Appending must not race another host appending the same type: pin the whole list.
            return new(
            [
                Op("test", "/status/conditions", conditions.DeepClone()),
                Op("add", "/status/conditions/-", value.DeepClone()),
            ], SelfGuarded: true);
        }
        var existing = conditions[index]?["status"]?.GetValue<string>();
        if (existing == condition.Status || (existing == "False" && condition.Status == "True"))
            return null;
        return new(
        [
            Op("test", $"/status/conditions/{index}/type", JsonValue.Create(condition.Type)),
            Op("test", $"/status/conditions/{index}/status", JsonValue.Create(existing)),
            Op("replace", $"/status/conditions/{index}", value.DeepClone()),
        ], SelfGuarded: true);
    }

    private static JsonArray GuardedByVersion(JsonObject session, JsonNode operation) =>
    [
        Op("test", "/metadata/resourceVersion", JsonValue.Create(StatusPatch.ResourceVersion(session))),
        operation,
    ];

    // JsonNode, not JsonObject: collection expressions then use the trim-safe JsonArray.Add(JsonNode).
    private static JsonNode Op(string op, string path, JsonNode? value) =>
        new JsonObject { ["op"] = op, ["path"] = path, ["value"] = value };

    private static List<int> IndexesOf(JsonArray array, string key, string value)
    {
        var indexes = new List<int>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject item && item[key] is JsonValue v && v.TryGetValue<string>(out var s) && s == value)
                indexes.Add(i);
        }
        return indexes;
    }

    private static int IndexOf(JsonArray? array, string key, string value) =>
        array is null ? -1 : IndexesOf(array, key, value).DefaultIfEmpty(-1).First();
}
