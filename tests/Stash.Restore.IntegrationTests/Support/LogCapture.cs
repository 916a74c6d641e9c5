using Serilog;
using Serilog.Core;
using Serilog.Events;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// A Serilog logger (minimum level Verbose) that keeps every event it is given, so a test can
/// assert what an operator would read: the events themselves, or their rendered lines.
/// </summary>
internal sealed class LogCapture : ILogEventSink
{
    private readonly Lock _gate = new();
    private readonly List<LogEvent> _events = [];

    public LogCapture() => Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public ILogger Logger { get; }

    /// <summary>A snapshot of the events so far, in the order they were written.</summary>
    public IReadOnlyList<LogEvent> Events
    {
        get
        {
            lock (_gate)
                return _events.ToList();
        }
    }

    /// <summary>Each event as "Level: message", followed by the exception's message when there is one.</summary>
    public IReadOnlyList<string> Lines => Events.Select(Line).ToList();

    public string Text => string.Join('\n', Lines);

    /// <summary>Messages at <paramref name="level"/>, rendered as the executor's log lines render them.</summary>
    public IReadOnlyList<string> Rendered(LogEventLevel level) =>
        Events.Where(e => e.Level == level).Select(MessageRendering.Render).ToList();

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
            _events.Add(logEvent);
    }

    private static string Line(LogEvent logEvent)
    {
        var line = $"{logEvent.Level}: {logEvent.RenderMessage()}";
        if (logEvent.Exception is not null)
            line += " " + logEvent.Exception.Message;
        return line;
    }
}
