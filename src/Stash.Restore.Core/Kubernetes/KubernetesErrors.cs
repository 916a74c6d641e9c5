using System.Net;
using k8s.Models;
using System.Text.Json;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>What a request was about, so an error can name the object and the permission.</summary>
/// <param name="Verb">RBAC verb: get, list, create, update, patch, delete.</param>
/// <param name="Resource">Plural resource with group, e.g. <c>restoresessions.stash.appscode.com</c> or <c>secrets</c>.</param>
internal sealed record ApiRequestTarget(string Verb, string Resource, string? Namespace, string? Name, string? Subresource = null)
{
    public string Describe()
    {
        var what = Name is null ? Resource : $"{Resource} \"{Name}\"";
        if (Subresource is not null)
            what += $" ({Subresource})";
        return Namespace is null ? what : $"{what} in namespace \"{Namespace}\"";
    }
}

/// <summary>
/// The API's answer that was not a success, kept as the inner exception of the
/// <see cref="RestoreException"/> a caller sees so cluster-side code can branch on the code.
/// </summary>
internal sealed class KubernetesApiException(string message, int? statusCode, string? reason, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>HTTP status, or null when no answer arrived (connection, TLS, timeout).</summary>
    public int? StatusCode { get; } = statusCode;

    public string? Reason { get; } = reason;

    /// <summary>The HTTP status behind an exception thrown by the client, if any.</summary>
    public static int? StatusCodeOf(Exception exception) =>
        exception is KubernetesApiException direct ? direct.StatusCode
        : exception.InnerException is KubernetesApiException inner ? inner.StatusCode
        : null;

    /// <summary>The Status reason (e.g. <c>AlreadyExists</c>) behind an exception thrown by the client, if any.</summary>
    public static string? ReasonOf(Exception exception) =>
        exception is KubernetesApiException direct ? direct.Reason
        : exception.InnerException is KubernetesApiException inner ? inner.Reason
        : null;

    /// <summary>True when the client gave up on an answer that may be temporary (5xx, 429, network).</summary>
    public static bool IsTransient(Exception exception) =>
        (exception is KubernetesApiException || exception.InnerException is KubernetesApiException)
        && StatusCodeOf(exception) is null or 429 or >= 500;
}

/// <summary>
/// Turns an API error into one line a person can act on, and into the exit-code exception
/// SPEC §3 asks for: not found, unreachable, rejected credentials, missing permission → 3;
/// invalid object → 2.
/// </summary>
internal static class KubernetesErrors
{
    public static V1Status? ParseStatus(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || !body.TrimStart().StartsWith('{'))
            return null;
        try
        {
            var status = JsonSerializer.Deserialize(body, KubernetesJsonContext.Default.V1Status);
            // The exec error channel sends a Status without kind: {"metadata":{},"status":"Success"}.
            return status?.Kind == "Status" || status?.Message is not null || status?.Status is not null ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The one-line message for an HTTP error answer.</summary>
    public static string FormatLine(int statusCode, string? body, ApiRequestTarget target, Uri server)
    {
        var serverText = Display(server);
        var status = ParseStatus(body);
        var serverMessage = OneLine(status?.Message);
        var code = (HttpStatusCode)statusCode;
        switch (statusCode)
        {
            case 404:
            {
                var message = serverMessage ?? $"{target.Resource} \"{target.Name}\" not found";
                // The real message names the object but not the namespace; a person needs both.
                if (target.Namespace is not null && !message.Contains("namespace", StringComparison.Ordinal))
                    message += $" in namespace \"{target.Namespace}\"";
                return message;
            }
            case 401:
                return $"the API server {serverText} rejected the credentials (401 Unauthorized) when trying to {target.Verb} {target.Describe()}; "
                    + "check the service account token or kubeconfig user";
            case 403:
            {
                var message = serverMessage
                    ?? $"forbidden: cannot {target.Verb} resource \"{ResourceWithSubresource(target)}\" in namespace \"{target.Namespace}\"";
                return $"permission missing: {message}; grant the executor's service account \"{target.Verb}\" on \"{ResourceWithSubresource(target)}\"";
            }
            default:
            {
                var reason = status?.Reason ?? code.ToString();
                var message = serverMessage ?? FirstLine(body);
                var head = $"{target.Verb} {target.Describe()}: {statusCode} {reason}";
                if (status?.Details?.Causes is { Count: > 0 } causes && statusCode == 422 && serverMessage is not null
                    && !causes.Any(c => c.Message is not null && serverMessage.Contains(c.Message, StringComparison.Ordinal)))
                    message += ": " + string.Join("; ", causes.Select(c => OneLine($"{c.Field} {c.Message}".Trim())));
                return string.IsNullOrEmpty(message) ? head : $"{head}: {message}";
            }
        }
    }

    /// <summary>Maps an error answer to the exception the executor's exit code comes from.</summary>
    public static RestoreException ToException(int statusCode, string? body, ApiRequestTarget target, Uri server, Func<string, string>? scrub = null)
    {
        // Mask first, shorten later: a body cut in the middle of a secret would leave its head
        // unmasked (a proxy echoing the Authorization header in an HTML error page).
        if (body is not null && scrub is not null)
            body = scrub(body);
        var line = FormatLine(statusCode, body, target, server);
        if (KubernetesRetryClassifier.IsTransientStatus(statusCode))
            line += " (gave up after retrying)";
        line = scrub?.Invoke(line) ?? line;
        var inner = new KubernetesApiException(line, statusCode, ParseStatus(body)?.Reason);
        return statusCode is 400 or 422
            ? new InvalidInputException(line, inner)
            : new DependencyUnavailableException(line, inner);
    }

    /// <summary>
    /// A 403 on a call the restore cannot do without (exit 3), said with what grants the permission;
    /// the server's answer stays the inner exception. Other errors are returned as they are.
    /// </summary>
    public static RestoreException Required(RestoreException forbidden, string grantedBy) =>
        KubernetesApiException.StatusCodeOf(forbidden) == 403
            ? new DependencyUnavailableException($"{forbidden.Message}: {grantedBy}", forbidden.InnerException ?? forbidden)
            : forbidden;

    /// <summary>No answer at all: connection refused/reset, TLS, timeouts.</summary>
    public static RestoreException Unreachable(ApiRequestTarget target, Uri server, string cause, Exception? inner)
    {
        var line = $"cannot reach the API server {Display(server)} to {target.Verb} {target.Describe()}: {OneLine(cause)}";
        return new DependencyUnavailableException(line, new KubernetesApiException(line, null, null, inner));
    }

    /// <summary>A URL as messages show it: a password in its userinfo becomes ***.</summary>
    public static string Display(Uri server) => Display(server.AbsoluteUri);

    /// <inheritdoc cref="Display(Uri)"/>
    public static string Display(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            return url;
        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        var authority = authorityEnd < 0 ? url[authorityStart..] : url[authorityStart..authorityEnd];
        var at = authority.LastIndexOf('@');
        if (at < 0)
            return url;
        var userInfo = authority[..at];
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
            return url;
        var masked = userInfo[..(colon + 1)] + Secrets.SecretMasker.Mask;
        return url[..authorityStart] + masked + url[(authorityStart + at)..];
    }

    private static string ResourceWithSubresource(ApiRequestTarget target) =>
        target.Subresource is null ? target.Resource : $"{target.Resource}/{target.Subresource}";

    internal static string? OneLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.ReplaceLineEndings(" ").Trim();

    private static string? FirstLine(string? body)
    {
        var line = OneLine(body);
        // A proxy's HTML error page is not a message; its first 200 characters still help.
        return line is null ? null : line.Length > 200 ? line[..200] + "…" : line;
    }
}
