using System.Text.Json;
using Serilog.Events;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>A logger as the executor makes it (session demo/sts-restore, one secret registered), writing to a string.</summary>
internal static class LogOutput
{
    public const string Secret = "s3cr3t-Pa55+word";

    public static (Serilog.Core.Logger Logger, StringWriter Output, SecretMasker Masker) NewLogger(
        LogFormat format,
        LogEventLevel level = LogEventLevel.Information,
        bool isTerminal = false)
    {
        var masker = new SecretMasker();
        masker.Add(Secret);
        var output = new StringWriter();
        var options = new LogOptions(format, level, isTerminal) { Namespace = "demo", Session = "sts-restore" };
        return (RestoreLogging.Create(options, output, masker), output, masker);
    }

    public static string[] Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static JsonElement[] JsonLines(StringWriter output) =>
        Lines(output).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
}
