using System.Text.Json.Nodes;
using Stash.Restore.IntegrationTests.Cli;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>What a pod's log shows of an executor run: its stderr's JSON lines (stderr is no terminal there), level and message.</summary>
internal static class ExecutorLog
{
    public static List<(string Level, string Message)> Lines(CliResult result) =>
        [.. result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!)
            .Select(json => ((string?)json["level"] ?? "", (string?)json["msg"] ?? ""))];
}
