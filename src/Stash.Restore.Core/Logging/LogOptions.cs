using Serilog.Events;

namespace Stash.Restore.Core.Logging;

/// <summary>How log lines look.</summary>
internal enum LogFormat
{
    /// <summary>Text on a terminal, JSON lines otherwise (a pod's log collector).</summary>
    Auto,

    /// <summary>Human-readable: <c>13:02:11 INF [demo/sts-restore host-1] message</c>.</summary>
    Text,

    /// <summary>One JSON object per line: <c>time</c>, <c>level</c>, <c>msg</c> and the properties.</summary>
    Json,
}

/// <summary>Choices for <see cref="RestoreLogging.Create"/>.</summary>
/// <param name="Format">Text, JSON or Auto (decided by <paramref name="IsTerminal"/>).</param>
/// <param name="MinimumLevel">Events below this level are dropped.</param>
/// <param name="IsTerminal">Whether the output is a terminal; the caller knows, Core does not ask.</param>
internal sealed record LogOptions(LogFormat Format, LogEventLevel MinimumLevel, bool IsTerminal)
{
    /// <summary>The RestoreSession's namespace, stamped on every line when known.</summary>
    public string? Namespace { get; init; }

    /// <summary>The RestoreSession's name, stamped on every line when known.</summary>
    public string? Session { get; init; }

    /// <summary>
    /// The host, when known at start. Usually it is not: child loggers add it later with
    /// <c>logger.ForContext(LogProperties.Host, host)</c> (see <see cref="RestoreLogging.ForHost"/>).
    /// </summary>
    public string? Host { get; init; }

    /// <summary>The format actually used once <see cref="LogFormat.Auto"/> is decided.</summary>
    public LogFormat EffectiveFormat => Format switch
    {
        LogFormat.Auto => IsTerminal ? LogFormat.Text : LogFormat.Json,
        _ => Format,
    };
}

/// <summary>Names of the context properties every line carries.</summary>
internal static class LogProperties
{
    public const string Namespace = "Namespace";
    public const string Session = "Session";
    public const string Host = "Host";

    /// <summary>The KubeStash component a run restores (the text prefix shows it as <c>component=…</c>).</summary>
    public const string Component = "Component";
}
