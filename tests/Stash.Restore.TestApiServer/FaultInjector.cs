namespace Stash.Restore.TestApiServer;

/// <summary>
/// What to inject into matching requests. A request matches when its method is in
/// <see cref="Methods"/> (null: any) and its path and query contain <see cref="PathContains"/>
/// (null: any). Every matching request waits <see cref="Latency"/>; then, drawing from a
/// <see cref="Random"/> seeded with <see cref="Seed"/>, it is dropped with probability
/// <see cref="DropConnectionRate"/>, or answered with one of <see cref="StatusCodes"/> with
/// probability <see cref="Rate"/>. 409 is only injected on writes (POST, PUT, PATCH, DELETE).
/// </summary>
public sealed record FaultPlan
{
    /// <summary>Probability (0..1) of answering with an error code instead of serving.</summary>
    public double Rate { get; init; }

    /// <summary>Codes to pick from (uniformly): 500, 503, 429, 409 and 410 (an expired list <c>continue</c>) are answered like the real server.</summary>
    public int[] StatusCodes { get; init; } = [500];

    /// <summary>Sent as <c>Retry-After</c> (and details.retryAfterSeconds) on 429 and 503; 0 = no header.</summary>
    public int RetryAfterSeconds { get; init; }

    /// <summary>Delay before every matching request is served (or failed).</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Probability (0..1) of aborting the connection without an answer.</summary>
    public double DropConnectionRate { get; init; }

    /// <summary>HTTP methods to affect, e.g. <c>["PATCH", "PUT"]</c>; null = all.</summary>
    public string[]? Methods { get; init; }

    /// <summary>Substring of path+query to affect, e.g. <c>"/status"</c>; null = all.</summary>
    public string? PathContains { get; init; }

    /// <summary>Seed of the random draws: the same plan and requests give the same faults.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The body of an injected error instead of the real server's <c>Status</c>, sent as
    /// <c>application/json</c>: what a proxy or gateway in front of the API server answers with
    /// (its own JSON, which may echo parts of the request). Null: a <c>Status</c>.
    /// </summary>
    public string? ErrorBody { get; init; }

    /// <summary>Stop injecting after this many faults (errors plus drops); null = no limit.
    /// <c>Rate = 1, MaxFaults = 2</c> fails exactly the first two matching requests.</summary>
    public int? MaxFaults { get; init; }
}

/// <summary>The fault plan in force; settable at runtime from any thread.</summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private FaultPlan? _plan;
    private Random _random = new(0);
    private int _injected;

    /// <summary>Replaces the plan in force (and restarts its random sequence and fault count).</summary>
    public void Set(FaultPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (_lock)
        {
            _plan = plan;
            _random = new Random(plan.Seed);
            _injected = 0;
        }
    }

    /// <summary>No more faults.</summary>
    public void Clear()
    {
        lock (_lock)
            _plan = null;
    }

    /// <summary>How many faults (errors and drops) were injected since the last <see cref="Set"/>.</summary>
    public int InjectedCount
    {
        get
        {
            lock (_lock)
                return _injected;
        }
    }

    internal FaultDecision Decide(string method, string pathAndQuery)
    {
        lock (_lock)
        {
            var plan = _plan;
            if (plan is null)
                return FaultDecision.None;
            if (plan.Methods is { } methods && !methods.Contains(method, StringComparer.OrdinalIgnoreCase))
                return FaultDecision.None;
            if (plan.PathContains is { } part && !pathAndQuery.Contains(part, StringComparison.Ordinal))
                return FaultDecision.None;
            var limited = plan.MaxFaults is { } max && _injected >= max;
            // Both draws happen for every matching request so the sequence does not depend on the outcome.
            var dropDraw = _random.NextDouble();
            var errorDraw = _random.NextDouble();
            var codeIndex = plan.StatusCodes.Length == 0 ? -1 : _random.Next(plan.StatusCodes.Length);
            if (limited)
                return new FaultDecision(plan.Latency, false, null, 0);
            if (dropDraw < plan.DropConnectionRate)
            {
                _injected++;
                return new FaultDecision(plan.Latency, true, null, 0);
            }
            if (codeIndex >= 0 && errorDraw < plan.Rate)
            {
                var code = plan.StatusCodes[codeIndex];
                var isWrite = method is "POST" or "PUT" or "PATCH" or "DELETE";
                if (code != 409 || isWrite)
                {
                    _injected++;
                    return new FaultDecision(plan.Latency, false, code, plan.RetryAfterSeconds) { ErrorBody = plan.ErrorBody };
                }
            }
            return new FaultDecision(plan.Latency, false, null, 0);
        }
    }
}

internal sealed record FaultDecision(TimeSpan Latency, bool Drop, int? StatusCode, int RetryAfterSeconds)
{
    public string? ErrorBody { get; init; }

    public static readonly FaultDecision None = new(TimeSpan.Zero, false, null, 0);
}
