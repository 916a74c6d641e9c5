using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// This host's entry in one RestoreSession's <c>status.stats[]</c>, written through the
/// <c>/status</c> subresource.
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
internal sealed class KubernetesHostStatusStore : IHostStatusStore
{
    private readonly IKubernetesApi _api;
    private readonly string _namespace;
    private readonly string _sessionName;
    private readonly KubernetesRetryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IRandomSource _random;
    private int _lastWriteAttempts;
    private readonly Lock _planGate = new();
    private JsonObject? _latest;

    /// <param name="random">Jitters the conflict back-off; the system generator when not given.</param>
    public KubernetesHostStatusStore(IKubernetesApi api, string @namespace, string sessionName, KubernetesRetryOptions options, TimeProvider timeProvider, ILogger logger, IRandomSource? random = null)
    {
        _random = random ?? new SystemRandomSource();
        _api = api;
        _namespace = @namespace;
        _sessionName = sessionName;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Rounds (read + patch) the last write took; 1 when nothing got in its way.</summary>
    public int LastWriteAttempts => Volatile.Read(ref _lastWriteAttempts);

    public async Task<HostRestoreStats?> GetAsync(string hostname, CancellationToken cancellationToken)
    {
        JsonObject session;
        try
        {
            session = await _api.GetStatusAsync(StashApi.RestoreSessions, _namespace, _sessionName, cancellationToken).ConfigureAwait(false);
        }
        catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 403)
        {
            throw KubernetesErrors.Required(e, StashApi.StatusGrantedBy);
        }
        var stats = session["status"]?["stats"] as JsonArray;
        var index = IndexOf(stats, "hostname", hostname);
        var entry = index < 0 ? null : stats![index].Deserialize(StashJsonContext.Default.HostRestoreStats);
        Volatile.Write(ref _latest, session);
        return entry;
    }

    public Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(entry.Hostname))
            throw new ArgumentException("a status entry needs a hostname", nameof(entry));
        // Only the schema's fields, so nothing is pruned and nothing foreign is written.
        var value = JsonSerializer.SerializeToNode(
            new HostRestoreStats { Hostname = entry.Hostname, Phase = entry.Phase, Duration = entry.Duration, Error = entry.Error },
            StashJsonContext.Default.HostRestoreStats)!;
        return WriteAsync($"status of host \"{entry.Hostname}\"", session => PlanStatsUpsert(session, entry.Hostname, value), cancellationToken);
    }

    public Task SetConditionAsync(Condition condition, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(condition.Type) || string.IsNullOrEmpty(condition.Status))
            throw new ArgumentException("a condition needs a type and a status", nameof(condition));
        return WriteAsync($"condition {condition.Type}", session => PlanConditionUpsert(session, condition), cancellationToken);
    }

    /// <summary>Read latest → plan a guarded patch → send; again on a lost race or a transient failure.</summary>
    /// <remarks>
    /// Two shortcuts save reads without giving up exactness: a patch whose tests pin everything
    /// it relies on (<see cref="StatusPatch.SelfGuarded"/>) is planned from the last object seen,
    /// since a stale view only makes its tests fail; and a lost race to create <c>stats</c> is
    /// followed straight by the append the winner made possible (<see cref="StatusPatch.AfterLostRace"/>).
    /// </remarks>
    private async Task WriteAsync(string what, Func<JsonObject, StatusPatch?> plan, CancellationToken cancellationToken)
    {
        try
        {
            await WriteGuardedAsync(what, plan, cancellationToken).ConfigureAwait(false);
        }
        catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 403)
        {
            // The status is the one write a restore cannot do without: say which role grants it.
            throw KubernetesErrors.Required(e, StashApi.StatusGrantedBy);
        }
    }

    private async Task WriteGuardedAsync(string what, Func<JsonObject, StatusPatch?> plan, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        Exception? lastFailure = null;
        string? lastFailureVersion = null;
        JsonArray? next = null;
        for (var attempt = 1; ; attempt++)
        {
            Volatile.Write(ref _lastWriteAttempts, attempt);
            StatusPatch? patch;
            string? basedOn;
            var cached = Volatile.Read(ref _latest);
            var afterRace = next is not null;
            if (next is not null)
            {
                // Still based on the read before the lost race: a 422 now is judged against it.
                patch = new StatusPatch(next, SelfGuarded: false);
                basedOn = lastFailureVersion;
            }
            else if (attempt == 1 && cached is not null && PlanLocked(plan, cached) is { SelfGuarded: true } fromCache)
            {
                patch = fromCache;
                basedOn = ResourceVersion(cached);
            }
            else
            {
                var session = await _api.GetStatusAsync(StashApi.RestoreSessions, _namespace, _sessionName, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _latest, session);
                basedOn = ResourceVersion(session);
                if (lastFailure is not null && KubernetesApiException.StatusCodeOf(lastFailure) == 422 && basedOn == lastFailureVersion)
                {
                    // The object did not change, so the 422 was not a failed test: the server refuses the value.
                    throw lastFailure;
                }
                patch = PlanLocked(plan, session);
                if (patch is null)
                    return;
            }
            next = null;

            try
            {
                var written = await _api.JsonPatchStatusAsync(StashApi.RestoreSessions, _namespace, _sessionName, patch.Operations, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _latest, written);
                return;
            }
            catch (RestoreException e) when (IsRetryable(e))
            {
                // After a refused create, the follow-up append fails only for lack of the list; the create's reason is the one to report.
                var keepFirst = afterRace && KubernetesApiException.StatusCodeOf(e) == 422 && lastFailure is not null && KubernetesApiException.StatusCodeOf(lastFailure) == 422;
                lastFailure = keepFirst ? lastFailure! : e;
                lastFailureVersion = basedOn;
                if (KubernetesApiException.StatusCodeOf(e) is 409 or 422)
                    next = patch.AfterLostRace;
            }

            var elapsed = _timeProvider.GetElapsedTime(started);
            if (attempt >= _options.MaxWriteAttempts || elapsed >= _options.WriteTimeout)
            {
                throw new DependencyUnavailableException(
                    $"could not write {what} to RestoreSession {_namespace}/{_sessionName} in {attempt} attempts ({elapsed.TotalSeconds:0.#}s): {lastFailure.Message}",
                    lastFailure);
            }
            _logger.Debug("Writing {What} to RestoreSession {Namespace}/{Name}: attempt {Attempt} failed: {Reason}", what, _namespace, _sessionName, attempt, lastFailure.Message);
            if (next is null)
                await Task.Delay(Backoff(attempt, lastFailure), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The last object seen is shared by this store's calls; JsonNode reads are not thread-safe.</summary>
    private StatusPatch? PlanLocked(Func<JsonObject, StatusPatch?> plan, JsonObject session)
    {
        lock (_planGate)
            return plan(session);
    }

    /// <summary>
    /// A lost race (409, or 422 from a failed <c>test</c>: re-read and re-plan) or a failure
    /// that may pass (5xx, 429, network). 403, 404 and the rest end the write at once.
    /// </summary>
    private static bool IsRetryable(RestoreException exception) =>
        KubernetesApiException.StatusCodeOf(exception) is 409 or 422 || KubernetesApiException.IsTransient(exception);

    private TimeSpan Backoff(int attempt, Exception failure)
    {
        // Lost races retry almost at once, with jitter so that losers do not collide again;
        // server trouble backs off exponentially.
        var code = KubernetesApiException.StatusCodeOf(failure);
        var baseDelay = code is 409 or 422 ? TimeSpan.FromMilliseconds(Math.Min(5 * attempt, 100)) : _options.BaseDelay * Math.Pow(2, Math.Min(attempt - 1, 10));
        if (baseDelay > _options.MaxDelay)
            baseDelay = _options.MaxDelay;
        return baseDelay * (0.5 + _random.NextDouble());
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
    private StatusPatch? PlanConditionUpsert(JsonObject session, Condition condition)
    {
        var value = JsonSerializer.SerializeToNode(
            condition with { LastTransitionTime = condition.LastTransitionTime ?? KubernetesTime.Rfc3339(_timeProvider.GetUtcNow()) },
            StashJsonContext.Default.Condition)!;
        var status = session["status"] as JsonObject;
        if (status is null)
            return new(GuardedByVersion(session, Op("add", "/status", new JsonObject { ["conditions"] = new JsonArray(value) })), SelfGuarded: false);
        if (status["conditions"] is not JsonArray conditions)
            return new(GuardedByVersion(session, Op("add", "/status/conditions", new JsonArray(value))), SelfGuarded: false);

        var index = IndexOf(conditions, "type", condition.Type!);
        if (index < 0)
        {
            // Appending must not race another host appending the same type: pin the whole list.
            return new(
            [
                Op("test", "/status/conditions", conditions.DeepClone()),
                Op("add", "/status/conditions/-", value),
            ], SelfGuarded: true);
        }
        var existing = conditions[index]?["status"]?.GetValue<string>();
        if (existing == condition.Status || (existing == "False" && condition.Status == "True"))
            return null;
        return new(
        [
            Op("test", $"/status/conditions/{index}/type", JsonValue.Create(condition.Type)),
            Op("test", $"/status/conditions/{index}/status", JsonValue.Create(existing)),
            Op("replace", $"/status/conditions/{index}", value),
        ], SelfGuarded: true);
    }

    private static JsonArray GuardedByVersion(JsonObject session, JsonNode operation) =>
    [
        Op("test", "/metadata/resourceVersion", JsonValue.Create(ResourceVersion(session))),
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

    private static int IndexOf(JsonArray? array, string key, string value)
    {
        if (array is null)
            return -1;
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject item && item[key] is JsonValue v && v.TryGetValue<string>(out var s) && s == value)
                return i;
        }
        return -1;
    }

    private static string? ResourceVersion(JsonObject session) =>
        session["metadata"]?["resourceVersion"]?.GetValue<string>();

}

/// <summary>A JSON patch for <c>/status</c> and what it relies on.</summary>
/// <param name="Operations">The RFC 6902 operations.</param>
/// <param name="SelfGuarded">Its <c>test</c> ops pin everything it relies on, so it may be planned from an older read.</param>
/// <param name="AfterLostRace">What to send at once, without a read, when this patch loses a race.</param>
internal sealed record StatusPatch(JsonArray Operations, bool SelfGuarded, JsonArray? AfterLostRace = null);
