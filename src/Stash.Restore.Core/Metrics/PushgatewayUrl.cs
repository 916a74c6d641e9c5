using System.Text;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Metrics;

/// <summary>Building Pushgateway URLs: the base from <c>--pushgateway-url</c>, and the grouping-key path.</summary>
internal static class PushgatewayUrl
{
    /// <summary>
    /// <c>--pushgateway-url</c> as an absolute http(s) URL. A bare <c>host:port</c> (as some
    /// operator versions pass it) gets <c>http://</c>. Query and fragment are dropped.
    /// </summary>
    public static Uri Parse(string? value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length > 0 && !text.Contains("://", StringComparison.Ordinal))
            text = "http://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidInputException($"--pushgateway-url \"{Display(value)}\" is not an http(s) URL");
        }
        return new UriBuilder(uri) { Query = "", Fragment = "" }.Uri;
    }

    /// <summary>
    /// <c>&lt;base&gt;/metrics/job/&lt;job&gt;/hostname/&lt;host&gt;</c>, keeping any path prefix of the
    /// base and leaving out its user info (sent as an Authorization header instead).
    /// </summary>
    public static Uri ForGroup(Uri baseUrl, string job, string hostname)
    {
        var path = baseUrl.AbsolutePath.TrimEnd('/')
            + "/metrics/" + Segment("job", job)
            + "/" + Segment("hostname", hostname);
        return new UriBuilder(baseUrl) { UserName = "", Password = "", Path = path, Query = "", Fragment = "" }.Uri;
    }

    /// <summary>
    /// One <c>name/value</c> pair of the grouping key. A value with <c>/</c> (or an empty one)
    /// cannot be a path segment, so it uses the Pushgateway's <c>name@base64/&lt;base64url&gt;</c> form;
    /// any other value is percent-escaped.
    /// </summary>
    public static string Segment(string name, string value)
    {
        if (value.Length == 0)
            return name + "@base64/=";
        if (value.Contains('/', StringComparison.Ordinal))
            return name + "@base64/" + Base64Url(value);
        return name + "/" + Uri.EscapeDataString(value);
    }

    /// <summary>The URL as it may be shown in logs: no user info, no query.</summary>
    public static string Display(Uri url) =>
        new UriBuilder(url) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.ToString();

    // Never echo a password given as user info in an unparseable URL.
    private static string Display(string? value) => UrlRedactor.RedactLoose(value);

    private static string Base64Url(string value) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).Replace('+', '-').Replace('/', '_');
}
