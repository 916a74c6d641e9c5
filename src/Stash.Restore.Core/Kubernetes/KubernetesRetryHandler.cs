using Polly;
using Polly.Timeout;
using Serilog;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// The retry policy as a handler in KubernetesClient.Aot's HTTP pipeline: 429 (Retry-After
/// honoured), 5xx, attempt timeouts and broken connections are retried with backoff — only
/// for requests safe to repeat (<see cref="KubernetesRetryClassifier.SafetyOf"/>). When the
/// time budget runs out it throws a <see cref="TimeoutException"/> that names the last failure.
/// </summary>
internal sealed class KubernetesRetryHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<string> LastFailureKey = new("stash-restore.last-failure");

    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<string, string> _scrub;
    private readonly ResiliencePipeline<HttpResponseMessage> _idempotent;
    private readonly ResiliencePipeline<HttpResponseMessage> _notIdempotent;
    private readonly ResiliencePipeline<HttpResponseMessage> _unconditionalMerge;
    private long _attempts;

    public KubernetesRetryHandler(KubernetesRetryOptions options, TimeProvider timeProvider, ILogger logger, Func<string, string> scrub)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        _scrub = scrub;
        _idempotent = KubernetesRetryClassifier.BuildPipeline(options, RequestSafety.Idempotent, timeProvider, LogRetry);
        _notIdempotent = KubernetesRetryClassifier.BuildPipeline(options, RequestSafety.NotIdempotent, timeProvider, LogRetry);
        _unconditionalMerge = KubernetesRetryClassifier.BuildPipeline(options, RequestSafety.UnconditionalMerge, timeProvider, LogRetry);
    }

    /// <summary>HTTP attempts sent so far, retries included (for benchmarks and tests).</summary>
    public long AttemptCount => Interlocked.Read(ref _attempts);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = KubernetesRetryClassifier.SafetyOf(request) switch
        {
            RequestSafety.NotIdempotent => _notIdempotent,
            RequestSafety.UnconditionalMerge => _unconditionalMerge,
            _ => _idempotent,
        };
        var started = _timeProvider.GetTimestamp();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    Interlocked.Increment(ref state.Handler._attempts);
                    return await state.Handler.SendOnceAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            var elapsed = _timeProvider.GetElapsedTime(started);
            var last = context.Properties.TryGetValue(LastFailureKey, out var failure) ? $" (last: {failure})" : "";
            throw new TimeoutException(_scrub($"no usable answer within {elapsed.TotalSeconds:0.#}s{last}"), e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private void LogRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, int attempt, TimeSpan delay)
    {
        var failure = KubernetesRetryClassifier.Describe(outcome);
        context.Properties.Set(LastFailureKey, failure);
        _logger.Debug("API request failed ({Failure}); attempt {Attempt} in {Delay}", _scrub(failure), attempt, delay);
    }
}
