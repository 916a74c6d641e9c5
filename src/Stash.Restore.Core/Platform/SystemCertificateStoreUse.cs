using Stash.Restore.Core.Metrics;

namespace Stash.Restore.Core.Platform;

/// <summary>
/// Whether anything in this process checks a TLS peer against the system certificate store:
/// <list type="bullet">
/// <item>the API client does only when the credentials name no CA (with one, the server is checked against that CA alone, as kubectl does);</item>
/// <item>the Pushgateway client does unless its URL is plain http;</item>
/// <item>hooks' HTTPS probes never do: they check no certificate, as the kubelet's probes do;</item>
/// <item>restic and hook commands are other processes, each reading the store itself from the environment it is given.</item>
/// </list>
/// When it answers no, the Cli keeps .NET from reading the store at all (Cli/SystemCertificateStore),
/// for the whole process: a new in-process TLS client that relies on the store must be added here.
/// </summary>
internal static class SystemCertificateStoreUse
{
    /// <param name="apiServerChecksAgainstSystemStore">The API client trusts the system store (no CA in the credentials); false with no cluster.</param>
    /// <param name="metricsEnabled"><c>--metrics-enabled</c>.</param>
    /// <param name="pushgatewayUrl"><c>--pushgateway-url</c> as given, read as the push reads it (a bare host:port is http); one that cannot be read counts as TLS.</param>
    public static bool IsNeeded(bool apiServerChecksAgainstSystemStore, bool metricsEnabled, string? pushgatewayUrl) =>
        apiServerChecksAgainstSystemStore || (metricsEnabled && !IsPlainHttp(pushgatewayUrl));

    private static bool IsPlainHttp(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return true; // nothing is pushed
        try
        {
            return PushgatewayUrl.Parse(url).Scheme == Uri.UriSchemeHttp;
        }
        catch (InvalidInputException)
        {
            return false; // refused later, where the push is set up; until then assume the worst
        }
    }
}
