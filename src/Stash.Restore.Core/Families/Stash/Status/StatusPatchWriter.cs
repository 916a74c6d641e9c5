using System.Text.Json.Nodes;
using Serilog;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// One RestoreSession's <c>/status</c>, read and written by guarded JSON patches: read the latest
/// object → plan a <see cref="StatusPatch"/> → send it; again on a lost race (409, or 422 from a
/// failed <c>test</c>) or a failure that may pass, within <see cref="KubernetesRetryOptions"/>'s
/// budget. What to write is the caller's plan; this is only how it gets there.
/// </summary>
/// <param name="random">Jitters the conflict back-off; the system generator when not given.</param>
internal sealed class StatusPatchWriter(
    IKubernetesApi api, string @namespace, string sessionName, KubernetesRetryOptions options, TimeProvider timeProvider, ILogger logger, IRandomSource? random = null)
{
    private readonly IRandomSource _random = random ?? new SystemRandomSource();
    private readonly Lock _planGate = new();
    private int _lastWriteAttempts;
    private JsonObject? _latest;

    /// <summary>Rounds (read + patch) the last write took; 1 when nothing got in its way.</summary>
    public int LastWriteAttempts => Volatile.Read(ref _lastWriteAttempts);

    /// <summary>The session as it is now; remembered, so a self-guarded patch may be planned from it.</summary>
    public async Task<JsonObject> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var session = await api.GetStatusAsync(StashApi.RestoreSessions, @namespace, sessionName, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _latest, session);
            return session;
        }
        catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 403)
        {
            throw KubernetesErrors.Required(e, StashApi.StatusGrantedBy);
        }
    }

    /// <summary>Read latest → plan a guarded patch → send; again on a lost race or a transient failure.</summary>
    /// <param name="what">What is written, for the one line a failure gives (<c>status of host "host-1"</c>).</param>
    /// <param name="plan">The patch for the session read; null when nothing needs to change.</param>
    /// <remarks>
    /// Two shortcuts save reads without giving up exactness: a patch whose tests pin everything
    /// it relies on (<see cref="StatusPatch.SelfGuarded"/>) is planned from the last object seen,
    /// since a stale view only makes its tests fail; and a lost race to create <c>stats</c> is
    /// followed straight by the append the winner made possible (<see cref="StatusPatch.AfterLostRace"/>).
    /// </remarks>
    public async Task WriteAsync(string what, Func<JsonObject, StatusPatch?> plan, CancellationToken cancellationToken)
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
        var started = timeProvider.GetTimestamp();
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
                basedOn = StatusPatch.ResourceVersion(cached);
            }
            else
            {
                var session = await api.GetStatusAsync(StashApi.RestoreSessions, @namespace, sessionName, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _latest, session);
                basedOn = StatusPatch.ResourceVersion(session);
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
                var written = await api.JsonPatchStatusAsync(StashApi.RestoreSessions, @namespace, sessionName, patch.Operations, cancellationToken).ConfigureAwait(false);
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

            var elapsed = timeProvider.GetElapsedTime(started);
            if (attempt >= options.MaxWriteAttempts || elapsed >= options.WriteTimeout)
            {
                throw new DependencyUnavailableException(
                    $"could not write {what} to RestoreSession {@namespace}/{sessionName} in {attempt} attempts ({elapsed.TotalSeconds:0.#}s): {lastFailure.Message}",
                    lastFailure);
            }
            logger.Debug("Writing {What} to RestoreSession {Namespace}/{Name}: attempt {Attempt} failed: {Reason}", what, @namespace, sessionName, attempt, lastFailure.Message);
            if (next is null)
                await Task.Delay(Backoff(attempt, lastFailure), timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The last object seen is shared by this writer's calls; JsonNode reads are not thread-safe.</summary>
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
        var baseDelay = code is 409 or 422 ? TimeSpan.FromMilliseconds(Math.Min(5 * attempt, 100)) : options.BaseDelay * Math.Pow(2, Math.Min(attempt - 1, 10));
        if (baseDelay > options.MaxDelay)
            baseDelay = options.MaxDelay;
        return baseDelay * (0.5 + _random.NextDouble());
    }
}
