using System.Text.RegularExpressions;

namespace Stash.Restore.Core.Secrets;

/// <summary>
/// Prints URLs without their passwords: <c>scheme://user:pw@host/…</c> becomes <c>scheme://user:***@host/…</c>,
/// the form restic uses for its own output. The user name stays (it is an identifier, and
/// without it a wrong-user problem cannot be seen).
/// </summary>
internal static partial class UrlRedactor
{
    /// <summary>One URL (or a value with a URL inside, such as <c>rest:http://…</c>) with its password replaced.</summary>
    public static string Redact(string? url) => RedactAll(url);

    /// <summary>
    /// A value that should be a URL but may lack its scheme (<c>user:pw@host:9091</c>, as a flag may be
    /// given): with a scheme as <see cref="Redact"/>; without, a password before the last <c>@</c> ahead of the path is replaced.
    /// </summary>
    public static string RedactLoose(string? value)
    {
        var text = value ?? "";
        if (text.Contains("://", StringComparison.Ordinal))
            return Redact(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? text : text[..slash];
        var at = authority.LastIndexOf('@');
        if (at < 0)
            return text;
        var colon = authority.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 || colon > at
            ? text
            : text[..(colon + 1)] + SecretMasker.Mask + text[at..];
    }

    /// <summary>Every <c>scheme://user:password@</c> in <paramref name="text"/>, password replaced.</summary>
    public static string RedactAll(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? "";
        if (!text.Contains("://", StringComparison.Ordinal))
            return text;
        return UserInfoWithPassword().Replace(text, match =>
            match.Groups["password"].Length == 0 ? match.Value : $"{match.Groups["head"].Value}:{SecretMasker.Mask}@");
    }

    /// <summary>The passwords of every <c>scheme://user:password@</c> in <paramref name="text"/>, unescaped and as written.</summary>
    public static IEnumerable<string> Passwords(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains("://", StringComparison.Ordinal))
            yield break;
        foreach (Match match in UserInfoWithPassword().Matches(text))
        {
            var password = match.Groups["password"].Value;
            if (password.Length == 0)
                continue;
            yield return password;
            var unescaped = Uri.UnescapeDataString(password);
            if (unescaped != password)
                yield return unescaped;
        }
    }

    // scheme "://" user ":" password "@"; the password runs to the last '@' before the path, so an
    // unescaped '@' inside it is hidden too.
    [GeneratedRegex(@"(?<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:]*):(?<password>[^\s/?#]*)@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfoWithPassword();
}
