using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Stash.Restore.Core.Tests.Fakes;

/// <summary>
/// Records every log event, so tests can assert what an operator would read: as "Level: message"
/// lines, or as (level, message) pairs.
/// </summary>
internal sealed class CollectingSink : ILogEventSink
{
    private readonly Lock _gate = new();
    private readonly List<(LogEventLevel Level, string Text)> _events = [];

    public IReadOnlyList<(LogEventLevel Level, string Text)> Events
    {
        get
        {
            lock (_gate)
                return _events.ToArray();
        }
    }

    public IReadOnlyList<string> Lines => [.. Events.Select(e => $"{e.Level}: {e.Text}")];

    public string Text => string.Join('\n', Lines);

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        lock (_gate)
            _events.Add((logEvent.Level, logEvent.RenderMessage()));
    }

    public ILogger Logger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
}
