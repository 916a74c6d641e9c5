using Serilog.Events;
using Serilog.Parsing;

namespace Stash.Restore.Core.Logging;

/// <summary>Pieces both formatters share: the rendered message and which properties it used.</summary>
internal static class MessageRendering
{
    /// <summary>
    /// The message with its properties filled in. Unlike Serilog's default, plain string values
    /// are written without quotes: <c>restoring /data</c>, not <c>restoring "/data"</c>.
    /// </summary>
    public static string Render(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken { Format: null, Alignment: null } property
                && logEvent.Properties.TryGetValue(property.PropertyName, out var value)
                && value is ScalarValue { Value: string text })
            {
                writer.Write(text);
            }
            else
            {
                token.Render(logEvent.Properties, writer);
            }
        }
        return writer.ToString();
    }

    /// <summary>Names of the properties the message template mentions (already in the message).</summary>
    public static HashSet<string> TemplatePropertyNames(LogEvent logEvent) =>
        logEvent.MessageTemplate.Tokens.OfType<PropertyToken>()
            .Select(p => p.PropertyName)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>A context property as plain text, or null when absent.</summary>
    public static string? ContextValue(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value)
            ? value is ScalarValue scalar ? scalar.Value?.ToString() : value.ToString()
            : null;
}
