using System.CommandLine;
using Stash.Restore.Core;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Create(CliHost host)
    {
        var files = new Option<string[]>("--file", "-f")
        {
            Description = "RestoreSession files (YAML or JSON) or directories of them. Repeatable.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("validate",
            "Validate RestoreSession files as the executor would before restoring: shape, types, and rules. " +
            "Exit 0 when all are valid, 2 otherwise.\n\nExample: stash-restore validate -f restore.yaml -f ./sessions/")
        {
            files,
        };
        command.SetAction(async (parseResult, _) =>
        {
            var invalid = 0;
            var paths = Expand(parseResult.GetValue(files) ?? []);
            foreach (var path in paths)
            {
                var (problems, note) = Check(path);
                invalid += problems.Count > 0 ? 1 : 0;
                if (problems.Count == 0)
                    await host.Output.WriteLineAsync(note is null ? $"{path}: valid" : $"{path}: valid; note: {note}");
                foreach (var problem in problems)
                    await host.Output.WriteLineAsync($"{path}: {problem}");
            }
            await host.Output.WriteLineAsync($"{paths.Count - invalid} valid, {invalid} invalid");
            return invalid == 0 && paths.Count > 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
        });
        return command;
    }

    /// <summary>The file's problems, and a note when it is a valid session that <c>restore</c> refuses (an addon's).</summary>
    private static (List<string> Problems, string? Note) Check(string path)
    {
        try
        {
            var session = StashObjects.ReadRestoreSession(path);
            return ([.. RestoreSessionValidator.Problems(session)], StashSessionSupport.NotOurs(session));
        }
        catch (RestoreException e)
        {
            return ([e.Message], null);
        }
    }

    private static List<string> Expand(IEnumerable<string> inputs) =>
        inputs.SelectMany<string, string>(input => Directory.Exists(input)
                ? Directory.EnumerateFiles(input)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                : [input])
            .ToList();
}
