using System.Net.Http.Headers;
using System.Text;
using Serilog;
using Stash.Restore.Core.Engine;

namespace Stash.Restore.Core.Metrics;

/// <summary>
/// Pushes one host's restore metrics to a Prometheus Pushgateway with <b>POST</b> to
/// <c>/metrics/job/&lt;job&gt;/hostname/&lt;host&gt;</c>. POST replaces only the metrics of the same
/// names in this host's group, so hosts never erase each other (Stash's PUT did).
/// </summary>
/// <remarks>
/// Never throws: a refused connection, a non-2xx answer, a timeout or cancellation is logged
/// as a warning, because metrics must never turn a restore into a failure.
/// </remarks>
internal sealed class PushgatewayMetricsPublisher : IRestoreMetricsPublisher
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    // Enough of an error body to show the Pushgateway's reason, not a whole HTML page.
    private const int MaxErrorBodyLength = 300;

    private readonly HttpClient _httpClient;
    private readonly Uri _pushgatewayUrl;
    private readonly RestoreMetricsLabels _labels;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;

    /// <param name="httpClient">Not owned; its own Timeout is left alone (this publisher applies <paramref name="timeout"/>).</param>
    /// <param name="pushgatewayUrl">The base URL (see <see cref="PushgatewayUrl.Parse"/>); user info becomes basic auth.</param>
    /// <param name="labels">The labels every metric of this run carries.</param>
    /// <param name="logger">Where push failures are reported.</param>
    /// <param name="timeout">Bound on one push; <see cref="DefaultTimeout"/> when null.</param>
    public PushgatewayMetricsPublisher(HttpClient httpClient, Uri pushgatewayUrl, RestoreMetricsLabels labels, ILogger logger, TimeSpan? timeout = null)
    {
        _httpClient = httpClient;
        _pushgatewayUrl = pushgatewayUrl;
        _labels = labels;
        _logger = logger;
        _timeout = timeout ?? DefaultTimeout;
    }

    public async Task PublishAsync(UnitRestoreReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);

        var url = PushgatewayUrl.ForGroup(_pushgatewayUrl, _labels.JobName, report.Unit);
        var display = PushgatewayUrl.Display(url);
        var body = RestoreMetrics.Format(_labels, report);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(body, Encoding.UTF8),
            };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(PrometheusTextFormat.ContentType);
            if (BasicAuth(_pushgatewayUrl) is { } authorization)
                request.Headers.Authorization = authorization;

            using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                _logger.Debug("Pushed restore metrics of host {Hostname} to {PushgatewayUrl}", report.Unit, display);
                return;
            }

            var answer = await ReadErrorBodyAsync(response, timeout.Token);
            Warn(report, display, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{answer}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Warn(report, display, "cancelled");
        }
        catch (OperationCanceledException)
        {
            Warn(report, display, $"no answer within {_timeout.TotalSeconds:0.###}s");
        }
        catch (HttpRequestException e)
        {
            Warn(report, display, Describe(e));
        }
        catch (IOException e)
        {
            Warn(report, display, e.Message);
        }
        catch (InvalidOperationException e)
        {
            // HttpClient's word for a request it cannot send at all (e.g. a base address it rejects).
            Warn(report, display, e.Message);
        }
    }

    private void Warn(UnitRestoreReport report, string display, string reason) =>
        _logger.Warning(
            "Could not push restore metrics of host {Hostname} to {PushgatewayUrl}: {Reason}; the restore result is not affected",
            report.Unit,
            display,
            reason);

    // HttpClient's own message is often generic ("An error occurred while sending the request");
    // the socket or TLS cause beneath it is what an operator can act on.
    private static string Describe(HttpRequestException e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{e.Message} ({inner.Message})"
            : e.Message;

    private static async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            if (text.Length == 0)
                return "";
            text = text.ReplaceLineEndings(" ");
            return ": " + (text.Length > MaxErrorBodyLength ? text[..MaxErrorBodyLength] + "…" : text);
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    private static AuthenticationHeaderValue? BasicAuth(Uri url)
    {
        if (string.IsNullOrEmpty(url.UserInfo))
            return null;
        var credentials = Uri.UnescapeDataString(url.UserInfo);
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }
}
