using System.CommandLine;
using System.CommandLine.Parsing;
using Stash.Restore.Core;

namespace Stash.Restore.Cli;

/// <summary>
/// A command line that does not parse is invalid input (exit 2) and gets one line — the first
/// problem, a suggestion for a mistyped option, and where the help is — never the whole help.
/// </summary>
internal static class ParseErrors
{
    public static string OneLine(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse.CommandResult);
        var unknown = parse.UnmatchedTokens.FirstOrDefault(t => t.StartsWith('-'));
        string problem;
        if (unknown is not null)
        {
            var name = unknown.Split('=', 2)[0];
            problem = Suggest(name, command) is { } suggestion
                ? $"unknown option '{name}' (did you mean '{suggestion}'?)"
                : $"unknown option '{name}'";
        }
        else if (parse.UnmatchedTokens.FirstOrDefault() is { } extra)
        {
            problem = $"unexpected argument '{extra}'";
        }
        else
        {
            problem = string.Join(' ', parse.Errors[0].Message.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
            problem = problem.Length > 0 ? char.ToLowerInvariant(problem[0]) + problem[1..] : problem;
        }
        return $"{problem}; see '{path} --help'";
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is CommandResult command; current = command.Parent)
            names.Add(command.Command is RootCommand ? "stash-restore" : command.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The closest option name or alias, when it is close enough to be a typo.</summary>
    private static string? Suggest(string given, Command command)
    {
        var candidates = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
        var best = candidates
            .Select(name => (Name: name, Distance: Distance(given, name)))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(3, best.Name.Length / 3) ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    public static async Task<int> ReportAsync(ParseResult parse, TextWriter error)
    {
        await error.WriteLineAsync($"error: {OneLine(parse)}");
        return ExitCodes.InvalidInput;
    }
}
