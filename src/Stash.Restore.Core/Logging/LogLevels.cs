using Serilog.Events;

namespace Stash.Restore.Core.Logging;

/// <summary>Pure mappings from command-line flags to Serilog levels and log formats.</summary>
internal static class LogLevels
{
    /// <summary>The names <c>--log-level</c> accepts, for help and error text.</summary>
    public static readonly IReadOnlyList<string> Names = ["debug", "info", "warn", "error"];

    /// <summary>
    /// klog's <c>--v</c>: 0–1 → Information, 2–3 → Debug, 4 and above → Verbose.
    /// A negative value (klog rejects it) is treated as 0.
    /// </summary>
    public static LogEventLevel FromVerbosity(int verbosity) => verbosity switch
    {
        <= 1 => LogEventLevel.Information,
        <= 3 => LogEventLevel.Debug,
        _ => LogEventLevel.Verbose,
    };

    /// <summary>
    /// <c>--log-level</c> names: debug, info, warn, error (case-insensitive), plus the
    /// spellings operators also type: trace/verbose, information, warning, fatal.
    /// </summary>
    public static bool TryParse(string? name, out LogEventLevel level)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "trace" or "verbose":
                level = LogEventLevel.Verbose;
                return true;
            case "debug":
                level = LogEventLevel.Debug;
                return true;
            case "info" or "information":
                level = LogEventLevel.Information;
                return true;
            case "warn" or "warning":
                level = LogEventLevel.Warning;
                return true;
            case "error":
                level = LogEventLevel.Error;
                return true;
            case "fatal":
                level = LogEventLevel.Fatal;
                return true;
            default:
                level = LogEventLevel.Information;
                return false;
        }
    }

    /// <summary>Like <see cref="TryParse"/>, but an unknown name is invalid input (exit 2).</summary>
    public static LogEventLevel Parse(string? name) =>
        TryParse(name, out var level)
            ? level
            : throw new InvalidInputException(
                $"--log-level \"{name}\" is not a log level; use one of: {string.Join(", ", Names)}");

    /// <summary><c>--log-format</c>: text, json or auto (case-insensitive).</summary>
    public static bool TryParseFormat(string? name, out LogFormat format)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "text":
                format = LogFormat.Text;
                return true;
            case "json":
                format = LogFormat.Json;
                return true;
            case "auto" or "" or null:
                format = LogFormat.Auto;
                return true;
            default:
                format = LogFormat.Auto;
                return false;
        }
    }

    /// <summary>Like <see cref="TryParseFormat"/>, but an unknown name is invalid input (exit 2).</summary>
    public static LogFormat ParseFormat(string? name) =>
        TryParseFormat(name, out var format)
            ? format
            : throw new InvalidInputException($"--log-format \"{name}\" is not a log format; use one of: text, json, auto");
}
