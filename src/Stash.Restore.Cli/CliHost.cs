using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Platform;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Cli;

/// <summary>
/// Everything the commands take from the outside world. <see cref="Program"/> builds the real one;
/// tests build their own (string writers, a chosen environment) and invoke in-process.
/// </summary>
internal sealed record CliHost(
    IReadOnlyDictionary<string, string> Environment,
    TextWriter Output,
    TextWriter Error,
    TimeProvider Clock,
    IProcessRunner ProcessRunner,
    string? OsHostName,
    bool ErrorIsTerminal,
    Interruption Interruption)
{
    /// <summary>Randomness that is not a secret (jitter, unique names): the one generator of the run, handed to the parts that need it.</summary>
    public IRandomSource Random { get; init; } = new SystemRandomSource();

    public static CliHost FromProcess(IProcessRunner runner, Interruption interruption)
    {
        var environment = System.Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        return new CliHost(environment, Console.Out, Console.Error, TimeProvider.System, runner,
            System.Net.Dns.GetHostName(), !Console.IsErrorRedirected, interruption);
    }
}
