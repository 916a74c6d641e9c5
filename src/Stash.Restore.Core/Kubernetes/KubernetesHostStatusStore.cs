using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;
using Stash.Restore.Core.Execution;
using Stash.Restore.Core.Model;

namespace Stash.Restore.Core.Kubernetes;

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
    private int _lastWriteAttempts;

    public KubernetesHostStatusStore(IKubernetesApi api, string @namespace, string sessionName, KubernetesRetryOptions options, TimeProvider timeProvider, ILogger logger)
    {
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
        var session = await _api.GetRestoreSessionStatusObjectAsync(_namespace, _sessionName, cancellationToken).ConfigureAwait(false);
        var stats = session["status"]?["stats"] as JsonArray;
        var index = IndexOf(stats, "hostname", hostname);
        return index < 0 ? null : stats![index].Deserialize(KubernetesJsonContext.Default.HostRestoreStats);
    }

    public Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(entry.Hostname))
            throw new ArgumentException("a status entry needs a hostname", nameof(entry));
        // Only the schema's fields, so nothing is pruned and nothing foreign is written.
        var value = JsonSerializer.SerializeToNode(
            new HostRestoreStats { Hostname = entry.Hostname, Phase = entry.Phase, Duration = entry.Duration, Error = entry.Error },
            KubernetesJsonContext.Default.HostRestoreStats)!;
        return WriteAsync($"status of host \"{entry.Hostname}\"", session => PlanStatsUpsert(session, entry.Hostname, value), cancellationToken);
    }

    public Task SetConditionAsync(Condition condition, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(condition.Type) || string.IsNullOrEmpty(condition.Status))
            throw new ArgumentException("a condition needs a type and a status", nameof(condition));
        return WriteAsync($"condition {condition.Type}", session => PlanConditionUpsert(session, condition), cancellationToken);
    }

    /// <summary>Read latest → plan a guarded patch → send; again on a lost race or a transient failure.</summary>
    private async Task WriteAsync(string what, Func<JsonObject, JsonArray?> plan, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        Exception? lastFailure = null;
        string? lastFailureVersion = null;
        for (var attempt = 1; ; attempt++)
        {
            Volatile.Write(ref _lastWriteAttempts, attempt);
            var session = await _api.GetRestoreSessionStatusObjectAsync(_namespace, _sessionName, cancellationToken).ConfigureAwait(false);
            var readVersion = ResourceVersion(session);

            if (lastFailure is not null && KubernetesApiException.StatusCodeOf(lastFailure) == 422 && readVersion == lastFailureVersion)
            {
                // The object did not change, so the 422 was not a failed test: the server refuses the value.
                throw lastFailure;
            }

            var patch = plan(session);
            if (patch is null)
                return;
            try
            {
                await _api.PatchRestoreSessionStatusAsync(_namespace, _sessionName, patch, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RestoreException e) when (IsRetryable(e))
            {
                lastFailure = e;
                lastFailureVersion = readVersion;
            }

            var elapsed = _timeProvider.GetElapsedTime(started);
            if (attempt >= _options.MaxWriteAttempts || elapsed >= _options.WriteTimeout)
            {
                throw new DependencyUnavailableException(
                    $"could not write {what} to RestoreSession {_namespace}/{_sessionName} in {attempt} attempts ({elapsed.TotalSeconds:0.#}s): {lastFailure.Message}",
                    lastFailure);
            }
            _logger.Debug("Writing {What} to RestoreSession {Namespace}/{Name}: attempt {Attempt} failed: {Reason}", what, _namespace, _sessionName, attempt, lastFailure.Message);
            await Task.Delay(Backoff(attempt, lastFailure), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
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
        return baseDelay * (0.5 + Random.Shared.NextDouble());
    }

    internal static JsonArray? PlanStatsUpsert(JsonObject session, string hostname, JsonNode entry)
    {
        var status = session["status"] as JsonObject;
        if (status is null)
            return GuardedByVersion(session, Op("add", "/status", new JsonObject { ["stats"] = new JsonArray(entry.DeepClone()) }));
        if (status["stats"] is not JsonArray stats)
            return GuardedByVersion(session, Op("add", "/status/stats", new JsonArray(entry.DeepClone())));

        var index = IndexOf(stats, "hostname", hostname);
        if (index < 0)
            return [Op("add", "/status/stats/-", entry.DeepClone())];
        if (JsonNode.DeepEquals(stats[index], entry))
            return null;
        return
        [
            Op("test", $"/status/stats/{index}/hostname", JsonValue.Create(hostname)),
            Op("replace", $"/status/stats/{index}", entry.DeepClone()),
        ];
    }

    /// <summary>
    /// Upsert by type. A False, once written by any host, stays: a True from another host does
    /// not replace it. The same status again changes nothing (the first message and
    /// lastTransitionTime are kept, as a transition time should be).
    /// </summary>
    private JsonArray? PlanConditionUpsert(JsonObject session, Condition condition)
    {
        var value = JsonSerializer.SerializeToNode(
            condition with { LastTransitionTime = condition.LastTransitionTime ?? Rfc3339(_timeProvider.GetUtcNow()) },
            KubernetesJsonContext.Default.Condition)!;
        var status = session["status"] as JsonObject;
        if (status is null)
            return GuardedByVersion(session, Op("add", "/status", new JsonObject { ["conditions"] = new JsonArray(value) }));
        if (status["conditions"] is not JsonArray conditions)
            return GuardedByVersion(session, Op("add", "/status/conditions", new JsonArray(value)));

        var index = IndexOf(conditions, "type", condition.Type!);
        if (index < 0)
        {
            // Appending must not race another host appending the same type: pin the whole list.
            return
            [
                Op("test", "/status/conditions", conditions.DeepClone()),
                Op("add", "/status/conditions/-", value),
            ];
        }
        var existing = conditions[index]?["status"]?.GetValue<string>();
        if (existing == condition.Status || (existing == "False" && condition.Status == "True"))
            return null;
        return
        [
            Op("test", $"/status/conditions/{index}/type", JsonValue.Create(condition.Type)),
            Op("test", $"/status/conditions/{index}/status", JsonValue.Create(existing)),
            Op("replace", $"/status/conditions/{index}", value),
        ];
    }

    private static JsonArray GuardedByVersion(JsonObject session, JsonObject operation) =>
    [
        Op("test", "/metadata/resourceVersion", JsonValue.Create(ResourceVersion(session))),
        operation,
    ];

    private static JsonObject Op(string op, string path, JsonNode? value) =>
        new() { ["op"] = op, ["path"] = path, ["value"] = value };

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

    internal static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
