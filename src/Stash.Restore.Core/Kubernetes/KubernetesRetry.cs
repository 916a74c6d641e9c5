using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// How hard the client tries. Defaults suit a pod; tests shorten every duration.
/// </summary>
internal sealed record KubernetesRetryOptions
{
    /// <summary>One HTTP attempt (connect, send, read the answer's headers).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>All attempts of one request together, delays included.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public int MaxRetries { get; init; } = 10;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A server's Retry-After is honoured up to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Read-modify-write rounds of one status write (409 / failed test / transient).</summary>
    public int MaxWriteAttempts { get; init; } = 30;

    /// <summary>All rounds of one status write together.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public static KubernetesRetryOptions Default { get; } = new();

    /// <summary>
    /// The default, with every call (a request with its retries, a status write with all its rounds) given
    /// up after <paramref name="budget"/>; zero or less keeps the default budget.
    /// </summary>
    public static KubernetesRetryOptions Within(TimeSpan budget) => budget <= TimeSpan.Zero
        ? Default
        : Default with
        {
            TotalTimeout = budget,
            WriteTimeout = budget,
            AttemptTimeout = budget < Default.AttemptTimeout ? budget : Default.AttemptTimeout,
        };
}

/// <summary>Whether a request may be sent again when it is unknown if the server applied it.</summary>
internal enum RequestSafety
{
    /// <summary>GET, or a write whose repetition is harmless or detected (fixed name, resourceVersion, merge patch).</summary>
    Idempotent,

    /// <summary>A write that could apply twice (a JSON patch append): retried only when it surely did not arrive.</summary>
    NotIdempotent,

    /// <summary>
    /// A JSON merge patch. Idempotent, and without a precondition (the transport refuses one with a
    /// resourceVersion), so a 409 only says another writer got in between: sending it again is right.
    /// </summary>
    UnconditionalMerge,
}

/// <summary>Which answers and failures are worth another attempt.</summary>
internal static class KubernetesRetryClassifier
{
    private const string JsonPatchMediaType = "application/json-patch+json";
    private const string MergePatchMediaType = "application/merge-patch+json";

    /// <summary>Throttled or a server/gateway error that is usually temporary.</summary>
    public static bool IsTransientStatus(int statusCode) =>
        statusCode is 429 or 500 or 502 or 503 or 504;

    /// <summary>A JSON patch (RFC 6902) may append twice; every other request the executor sends is safe to repeat.</summary>
    public static RequestSafety SafetyOf(HttpRequestMessage request) =>
        request.Method != HttpMethod.Patch ? RequestSafety.Idempotent
        : request.Content?.Headers.ContentType?.MediaType switch
        {
            JsonPatchMediaType => RequestSafety.NotIdempotent,
            MergePatchMediaType => RequestSafety.UnconditionalMerge,
            _ => RequestSafety.Idempotent,
        };

    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, RequestSafety safety)
    {
        if (outcome.Exception is { } exception)
            return ShouldRetry(exception, safety);
        var statusCode = (int)outcome.Result!.StatusCode;
        return safety switch
        {
            RequestSafety.Idempotent => IsTransientStatus(statusCode),
            // The real server retries a patch's conflicts itself and may still give up with 409.
            RequestSafety.UnconditionalMerge => IsTransientStatus(statusCode) || statusCode == 409,
            // 429 is answered before the request is processed.
            _ => statusCode == 429,
        };
    }

    public static bool ShouldRetry(Exception exception, RequestSafety safety) => exception switch
    {
        // The attempt timed out (the outer budget throws OperationCanceledException instead).
        TimeoutRejectedException => safety != RequestSafety.NotIdempotent,
        // A refused certificate stays refused, however deep the handshake wrapped the refusal.
        HttpRequestException http when ApiServerNotTrustedException.FoundIn(http) is not null => false,
        HttpRequestException http => safety != RequestSafety.NotIdempotent || SurelyNotSent(http),
        IOException or System.Net.Sockets.SocketException => safety != RequestSafety.NotIdempotent,
        _ => false,
    };

    /// <summary>The connection was never made, so the server cannot have applied anything.</summary>
    private static bool SurelyNotSent(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;

    public static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e
            ? KubernetesErrors.OneLine(e.Message) ?? e.GetType().Name
            : $"{(int)outcome.Result!.StatusCode} {outcome.Result.StatusCode}";

    public static TimeSpan? ReadRetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Exponential backoff with jitter, Retry-After honoured, bounded in attempts and total time.</summary>
    public static ResiliencePipeline<HttpResponseMessage> BuildPipeline(
        KubernetesRetryOptions options,
        RequestSafety safety,
        TimeProvider timeProvider,
        Action<ResilienceContext, Outcome<HttpResponseMessage>, int, TimeSpan>? onRetry)
    {
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout })
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, safety)),
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response && ReadRetryAfter(response.Headers.RetryAfter, timeProvider.GetUtcNow()) is { } retryAfter
                        ? (TimeSpan?)(retryAfter > options.MaxRetryAfter ? options.MaxRetryAfter : retryAfter)
                        : null),
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.Context, args.Outcome, args.AttemptNumber + 1, args.RetryDelay);
                    // The answer that is being retried is never read: free its connection now.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout })
            .Build();
    }
}
