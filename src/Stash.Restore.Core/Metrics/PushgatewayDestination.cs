using Serilog;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Metrics;

/// <summary>
/// Where this run's metrics go: <c>--metrics-enabled</c> with <c>--pushgateway-url</c>, basic
/// auth from <see cref="PushgatewayCredentials"/>. Metrics never fail a restore, so a missing URL
/// is a warning; a malformed URL or an unreadable credentials file is invalid input.
/// </summary>
internal static class PushgatewayDestination
{
    /// <summary>The URL to push to (with credentials applied), or null when no metrics are pushed.</summary>
    /// <param name="masker">Learns the passwords this URL carries, where they enter.</param>
    /// <exception cref="InvalidInputException">The URL is not an http(s) URL, or the credentials file cannot be used.</exception>
    public static Uri? Resolve(
        bool metricsEnabled, string? pushgatewayUrl, string? credentialsFile, IReadOnlyDictionary<string, string> environment, SecretMasker masker, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(masker);
        ArgumentNullException.ThrowIfNull(log);
        if (!metricsEnabled)
            return null;
        if (string.IsNullOrWhiteSpace(pushgatewayUrl))
        {
            log.Warning("--metrics-enabled without --pushgateway-url: no metrics will be pushed");
            return null;
        }
        var url = PushgatewayUrl.Parse(pushgatewayUrl);
        masker.AddRange(UrlRedactor.Passwords(url.AbsoluteUri));
        if (PushgatewayCredentials.Resolve(credentialsFile, environment) is { } credentials)
        {
            masker.Add(credentials.Password);
            url = credentials.ApplyTo(url);
            log.Debug("Pushgateway basic auth from {Source}", credentials.Source);
        }
        else if (url.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            log.Warning("--pushgateway-url carries a password, which any process list shows; use {Variable} or --pushgateway-credentials-file instead", PushgatewayCredentials.PasswordVariable);
        }
        return url;
    }
}
