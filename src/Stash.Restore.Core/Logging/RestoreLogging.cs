using Serilog;
using Serilog.Core;
using Serilog.Formatting;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Logging;

/// <summary>Builds the executor's logger: one format, one output, every line masked.</summary>
internal static class RestoreLogging
{
    /// <summary>
    /// A logger writing to <paramref name="output"/> in the format of <paramref name="options"/>.
    /// Every line is passed through <paramref name="masker"/> as it is written, so secrets
    /// added to the masker later (once the backend Secret is read) are masked from then on.
    /// Namespace, session and host in <paramref name="options"/> are stamped on every line;
    /// add what is learnt later with <see cref="ForSession"/> and <see cref="ForHost"/>.
    /// </summary>
    public static Logger Create(LogOptions options, TextWriter output, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(masker);

        ITextFormatter formatter = options.EffectiveFormat == LogFormat.Json
            ? new JsonLogFormatter(masker)
            : new TextLogFormatter();

        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(options.MinimumLevel)
            .WriteTo.Sink(new MaskingTextWriterSink(output, formatter, masker));

        if (!string.IsNullOrEmpty(options.Namespace))
            configuration = configuration.Enrich.WithProperty(LogProperties.Namespace, options.Namespace);
        if (!string.IsNullOrEmpty(options.Session))
            configuration = configuration.Enrich.WithProperty(LogProperties.Session, options.Session);
        if (!string.IsNullOrEmpty(options.Host))
            configuration = configuration.Enrich.WithProperty(LogProperties.Host, options.Host);

        return configuration.CreateLogger();
    }

    /// <summary>A child logger whose lines name the RestoreSession.</summary>
    public static ILogger ForSession(this ILogger logger, string? @namespace, string? session) =>
        logger.ForContext(LogProperties.Namespace, @namespace).ForContext(LogProperties.Session, session);

    /// <summary>A child logger whose lines name the host, once it is known.</summary>
    public static ILogger ForHost(this ILogger logger, string host) =>
        logger.ForContext(LogProperties.Host, host);

    /// <summary>A child logger whose lines name the KubeStash component, once it is chosen.</summary>
    public static ILogger ForComponent(this ILogger logger, string component) =>
        logger.ForContext(LogProperties.Component, component);
}
