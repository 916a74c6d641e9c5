using System.Globalization;
using System.Text.RegularExpressions;
using Stash.Restore.IntegrationTests.Backends;

namespace Stash.Restore.IntegrationTests.Metrics;

/// <summary>One sample scraped from the Pushgateway's <c>/metrics</c>.</summary>
public sealed record ScrapedSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Debian's Prometheus Pushgateway, run twice on 127.0.0.1: at the root and under the route
/// prefix <c>/pg</c>. Without persistence, so every run starts empty.
/// </summary>
public sealed partial class PushgatewayFixture : IAsyncLifetime
{
    public const string RoutePrefix = "/pg";

    private ServerProcess? _root;
    private ServerProcess? _prefixed;

    public Uri Url { get; private set; } = null!;

    public Uri PrefixedUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (TestTools.Find(TestTool.Pushgateway) is not { } gateway)
            return; // the tests skip with the reason
        var port = ServerProcess.FreePort();
        Url = new Uri($"http://127.0.0.1:{port}");
        _root = await ServerProcess.StartAsync("pushgateway", gateway,
            [$"--web.listen-address=127.0.0.1:{port}", "--persistence.file="],
            ServerProcess.AnswersHttp(new Uri(Url, "/-/ready")), TimeSpan.FromSeconds(30));
        var prefixedPort = ServerProcess.FreePort();
        PrefixedUrl = new Uri($"http://127.0.0.1:{prefixedPort}{RoutePrefix}");
        _prefixed = await ServerProcess.StartAsync("pushgateway (route prefix)", gateway,
            [$"--web.listen-address=127.0.0.1:{prefixedPort}", "--persistence.file=", $"--web.route-prefix={RoutePrefix}"],
            ServerProcess.AnswersHttp(new Uri($"{PrefixedUrl}/-/ready")), TimeSpan.FromSeconds(30));
    }

    /// <summary>Every sample the gateway at <paramref name="baseUrl"/> exposes (GET <c>/metrics</c>).</summary>
    /// <param name="handler">For a gateway over TLS: a handler that trusts its CA.</param>
    public static async Task<List<ScrapedSample>> ScrapeAsync(Uri baseUrl, HttpMessageHandler? handler = null)
    {
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(10);
        var text = await http.GetStringAsync($"{baseUrl.ToString().TrimEnd('/')}/metrics");
        var samples = new List<ScrapedSample>();
        foreach (var line in text.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (!match.Success)
                continue;
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value), StringComparer.Ordinal);
            samples.Add(new ScrapedSample(match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
        return samples;
    }

    /// <summary>The samples of one grouping key (job and hostname).</summary>
    public static List<ScrapedSample> Group(IEnumerable<ScrapedSample> samples, string job, string hostname) =>
        samples.Where(s => s.Labels.GetValueOrDefault("job") == job && s.Labels.GetValueOrDefault("hostname") == hostname).ToList();

    public async Task DisposeAsync()
    {
        if (_root is not null)
            await _root.DisposeAsync();
        if (_prefixed is not null)
            await _prefixed.DisposeAsync();
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>.*)\} (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
