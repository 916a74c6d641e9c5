using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>A Serilog logger whose rendered lines (level: message) a test can read.</summary>
internal sealed class LogCapture : ILogEventSink
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public LogCapture() => Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public ILogger Logger { get; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
                return _lines.ToList();
        }
    }

    public string Text => string.Join('\n', Lines);

    public void Emit(LogEvent logEvent)
    {
        var line = $"{logEvent.Level}: {logEvent.RenderMessage()}";
        if (logEvent.Exception is not null)
            line += " " + logEvent.Exception.Message;
        lock (_gate)
            _lines.Add(line);
    }
}
