using System.CommandLine;
using Stash.Restore.Cli.Commands;

namespace Stash.Restore.Cli;

/// <summary>
/// The command map: which invocation runs which family's command.
/// <list type="table">
/// <item><term><c>restore</c></term><description>the family of the RestoreSession: Stash (<c>stash.appscode.com</c>) as the
/// init-container or with <c>--restore-model=job</c>; KubeStash (<c>core.kubestash.com</c>) with its Functions' arguments;
/// offline with <c>--restoresession-file</c> or <c>--objects</c> (<see cref="RestoreCommand"/>).</description></item>
/// <item><term><c>restore-pvc</c>, <c>update-status</c>, <c>run-hook</c></term><description>Stash: the containers of the
/// stand-alone PVC restore Job (Functions <c>pvc-restore</c>, <c>update-status</c>) and of its hooks (SPEC §15).</description></item>
/// <item><term><c>validate</c>, <c>version</c></term><description>either family's files; the executor and restic.</description></item>
/// </list>
/// </summary>
internal static class CliApp
{
    public static RootCommand Build(CliHost host)
    {
        var root = new RootCommand(
            "stash-restore: the restore executor of Stash and KubeStash. Runs as the init-container or restore Job of a RestoreSession, " +
            "or by hand against files for debugging.")
        {
            RestoreCommand.Create(host),
            RestorePvcCommand.Create(host),
            UpdateStatusCommand.Create(host),
            RunHookCommand.Create(host),
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
    internal static ParseResult Parse(CliHost host, string[] args)
    {
        var root = Build(host);
        return root.Parse(SplitEmptyValues(root, OperatorCompatibilityFlags.ExpandBareBooleans(args)));
    }

    /// <summary>
    /// An empty value (<c>--include=</c>, <c>--insecure-tls=</c>: the operators' Functions pass
    /// <c>${X:=}</c>) means unset. A text option gets it as <c>""</c> (the parser would otherwise take
    /// the next argument as the value); any other option (a switch, a number, a duration) is left out,
    /// so it keeps its default.
    /// </summary>
    internal static string[] SplitEmptyValues(RootCommand root, string[] args)
    {
        var command = args.Length > 0 ? root.Subcommands.FirstOrDefault(c => c.Name == args[0] || c.Aliases.Contains(args[0])) : null;
        return [.. args.SelectMany(a =>
        {
            if (a.Length <= 3 || !a.StartsWith("--", StringComparison.Ordinal) || !a.EndsWith('=') || a.IndexOf('=', StringComparison.Ordinal) != a.Length - 1)
                return [a];
            var name = a[..^1];
            var option = command?.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
            return option is null || option.ValueType == typeof(string) || option.ValueType == typeof(string[]) ? new[] { name, "" } : [];
        })];
    }
}
