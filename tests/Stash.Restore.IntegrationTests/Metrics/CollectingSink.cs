using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.IntegrationTests.Metrics;

/// <summary>Keeps every log event so a test can assert what was warned.</summary>
public sealed class CollectingSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

    public Logger CreateLogger() =>
        new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    /// <summary>Messages at <paramref name="level"/>, rendered as the executor's log lines render them.</summary>
    public IReadOnlyList<string> Rendered(LogEventLevel level) =>
        Events.Where(e => e.Level == level).Select(MessageRendering.Render).ToList();
}
