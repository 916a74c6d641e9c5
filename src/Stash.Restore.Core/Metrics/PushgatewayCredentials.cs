namespace Stash.Restore.Core.Metrics;

/// <summary>
/// Basic-auth credentials for the Pushgateway, kept out of the executor's argv (where
/// <c>--pushgateway-url http://user:pw@…</c> puts them, readable by anyone who can list processes).
/// First match wins: <c>--pushgateway-credentials-file</c> (first line <c>username:password</c>),
/// then the <c>PUSHGATEWAY_USERNAME</c>/<c>PUSHGATEWAY_PASSWORD</c> environment variables, then the URL's user info.
/// </summary>
internal sealed record PushgatewayCredentials(string Username, string Password)
{
    public const string UsernameVariable = "PUSHGATEWAY_USERNAME";
    public const string PasswordVariable = "PUSHGATEWAY_PASSWORD";

    /// <summary>Where the credentials came from, for the debug log (never the values).</summary>
    public string Source { get; init; } = "";

    /// <summary>The credentials from the file or the environment, or null when neither gives any.</summary>
    /// <exception cref="InvalidInputException">The file cannot be read or has no <c>username:password</c> line.</exception>
    public static PushgatewayCredentials? Resolve(string? file, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(file))
            return FromFile(file);
        var username = environment.GetValueOrDefault(UsernameVariable);
        var password = environment.GetValueOrDefault(PasswordVariable);
        if (string.IsNullOrEmpty(username) && string.IsNullOrEmpty(password))
            return null;
        return new PushgatewayCredentials(username ?? "", password ?? "") { Source = $"{UsernameVariable}/{PasswordVariable}" };
    }

    private static PushgatewayCredentials FromFile(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The message names the file, never its content.
            throw new InvalidInputException($"--pushgateway-credentials-file '{file}': cannot read it ({e.GetType().Name})", e);
        }
        var line = text.Split('\n', 2)[0].TrimEnd('\r');
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
            throw new InvalidInputException($"--pushgateway-credentials-file '{file}': the first line must be username:password");
        return new PushgatewayCredentials(line[..colon], line[(colon + 1)..]) { Source = $"--pushgateway-credentials-file {file}" };
    }

    /// <summary>The base URL with these credentials as user info (the publisher sends them as basic auth, never in a printed URL).</summary>
    public Uri ApplyTo(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new Uri($"{url.Scheme}://{Uri.EscapeDataString(Username)}:{Uri.EscapeDataString(Password)}@{url.Authority}{url.PathAndQuery}");
    }

    public override string ToString() => $"{Username}:*** ({Source})";
}
