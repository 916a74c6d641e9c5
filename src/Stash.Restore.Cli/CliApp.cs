using System.CommandLine;
using Stash.Restore.Cli.Commands;

namespace Stash.Restore.Cli;

/// <summary>The command tree: <c>restore</c>, <c>validate</c>, <c>version</c>.</summary>
internal static class CliApp
{
    public static RootCommand Build(CliHost host)
    {
        var root = new RootCommand(
            "stash-restore: the restore executor of Stash. Runs as the init-container or restore Job of a RestoreSession, " +
            "or by hand against files for debugging.")
        {
            RestoreCommand.Create(host),
            ValidateCommand.Create(host),
            VersionCommand.Create(host),
        };
        return root;
    }

    public static Task<int> RunAsync(CliHost host, string[] args, CancellationToken cancellationToken)
    {
        var configuration = new InvocationConfiguration
        {
            Output = host.Output,
            Error = host.Error,
            // Program registers SIGTERM/SIGINT itself, so the pipeline can record why it stopped.
            ProcessTerminationTimeout = null,
        };
        var parse = Parse(host, args);
        // "--help" and "--version" parse cleanly; anything else that does not is exit 2 in one line.
        return parse.Errors.Count > 0
            ? ParseErrors.ReportAsync(parse, host.Error)
            : parse.InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>The command line as the commands see it: pflag's bare booleans made explicit, empty values split off.</summary>
    internal static ParseResult Parse(CliHost host, string[] args) =>
        Build(host).Parse(SplitEmptyValues(OperatorCompatibilityFlags.ExpandBareBooleans(args)));

    /// <summary>
    /// <c>--include=</c> (KubeStash's Function passes empty values to mean unset) becomes <c>--include ""</c>:
    /// the parser would otherwise take the next argument as the value.
    /// </summary>
    internal static string[] SplitEmptyValues(string[] args) =>
        [.. args.SelectMany(a => a.Length > 3 && a.StartsWith("--", StringComparison.Ordinal) && a.EndsWith('=') && a.IndexOf('=', StringComparison.Ordinal) == a.Length - 1
            ? new[] { a[..^1], "" }
            : [a])];
}
