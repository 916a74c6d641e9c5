using Serilog.Events;
using Serilog.Formatting;

namespace Stash.Restore.Core.Logging;

/// <summary>
/// Human-readable lines: <c>13:02:11 INF [demo/sts-restore host-1] message key=value</c> (a KubeStash
/// run: <c>[demo/sample-restore component=dump-pod-0]</c>),
/// the time in UTC, then the exception (if any) on the following lines. Properties the
/// message does not mention are appended as <c>key=value</c> so nothing logged is lost.
/// </summary>
internal sealed class TextLogFormatter : ITextFormatter
{
    private static readonly HashSet<string> ContextProperties = new(StringComparer.Ordinal)
    {
        LogProperties.Namespace,
        LogProperties.Session,
        LogProperties.Host,
        LogProperties.Component,
        // Class names add noise for a person reading a pod's log; JSON keeps them.
        "SourceContext",
    };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(logEvent.Timestamp.UtcDateTime.ToString("HH:mm:ss"));
        output.Write(' ');
        output.Write(LevelAbbreviation(logEvent.Level));
        output.Write(' ');

        var context = ContextPrefix(logEvent);
        if (context.Length > 0)
        {
            output.Write('[');
            output.Write(context);
            output.Write("] ");
        }

        output.Write(MessageRendering.Render(logEvent));

        var mentioned = MessageRendering.TemplatePropertyNames(logEvent);
        foreach (var (name, value) in logEvent.Properties)
        {
            if (mentioned.Contains(name) || ContextProperties.Contains(name))
                continue;
            output.Write(' ');
            output.Write(name);
            output.Write('=');
            value.Render(output);
        }
        output.Write('\n');

        if (logEvent.Exception is not null)
        {
            output.Write(logEvent.Exception.ToString().ReplaceLineEndings("\n"));
            output.Write('\n');
        }
    }

    public static string LevelAbbreviation(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };

    // "demo/sts-restore host-1" or "demo/sample-restore component=dump-pod-0"; parts not known yet are
    // left out rather than shown as blanks. A component is labelled: its names ("dump", "manifest")
    // do not say what they are the way "host-1" does.
    private static string ContextPrefix(LogEvent logEvent)
    {
        var ns = MessageRendering.ContextValue(logEvent, LogProperties.Namespace);
        var session = MessageRendering.ContextValue(logEvent, LogProperties.Session);
        var host = MessageRendering.ContextValue(logEvent, LogProperties.Host);
        if (MessageRendering.ContextValue(logEvent, LogProperties.Component) is { Length: > 0 } component)
            host = string.IsNullOrEmpty(host) ? "component=" + component : $"{host} component={component}";

        var objectName = (string.IsNullOrEmpty(ns), string.IsNullOrEmpty(session)) switch
        {
            (false, false) => $"{ns}/{session}",
            (true, false) => session!,
            (false, true) => $"{ns}/",
            _ => "",
        };
        if (string.IsNullOrEmpty(host))
            return objectName;
        return objectName.Length == 0 ? host : $"{objectName} {host}";
    }
}
