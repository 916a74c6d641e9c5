using System.CommandLine;
using Stash.Restore.Core;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Cli.Commands;

internal static partial class ValidateCommand
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
        var compatibility = new OperatorCompatibilityFlags();
        compatibility.AddTo(command);
        command.SetAction(async (parseResult, _) =>
        {
            await compatibility.WarnAsync(parseResult, host.Error);
            var invalid = 0;
            var paths = Expand(parseResult.GetValue(files) ?? []);
            foreach (var path in paths)
            {
                var problems = Check(path);
                invalid += problems.Count > 0 ? 1 : 0;
                if (problems.Count == 0)
                {
                    await host.Output.WriteLineAsync(NotOurs(path) is { } note ? $"{path}: valid; note: {note}" : $"{path}: valid");
                    foreach (var warning in Warnings(path))
                        await host.Output.WriteLineAsync($"{path}: warning: {warning}");
                }
                foreach (var problem in problems)
                    await host.Output.WriteLineAsync(problem.Position is null ? $"{path}: {problem.Describe()}" : problem.Render(path));
            }
            await host.Output.WriteLineAsync($"{paths.Count - invalid} valid, {invalid} invalid");
            return invalid == 0 && paths.Count > 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
        });
        return command;
    }

    /// <summary>Every problem of one file, each with its place: syntax, the object's type, field types, rules.</summary>
    private static IReadOnlyList<ManifestProblem> Check(string path)
    {
        try
        {
            if (IsKubeStash(path))
                return [.. KubeStashValidation.Check(KubeStashObjects.ReadRestoreSession(path)).Problems.Select(p => new ManifestProblem(null, p))];
            return StashObjects.ValidateRestoreSessionFile(path);
        }
        catch (RestoreException e)
        {
            // The file could not be read at all.
            return [new ManifestProblem(null, e.Message)];
        }
    }

    /// <summary>For a valid file: what is allowed but risky (a shell hook pasting restic's error unquoted).</summary>
    private static IReadOnlyList<string> Warnings(string path)
    {
        try
        {
            return RestoreSessionValidator.Warnings(StashObjects.ReadRestoreSession(path));
        }
        catch (RestoreException)
        {
            return [];
        }
    }

    /// <summary>For a valid file: why <c>restore</c> would refuse it (an addon's session), or null.</summary>
    private static string? NotOurs(string path)
    {
        try
        {
            if (IsKubeStash(path))
                return KubeStashValidation.Check(KubeStashObjects.ReadRestoreSession(path)).Unsupported?.Message;
            return StashSessionSupport.NotOurs(StashObjects.ReadRestoreSession(path));
        }
        catch (RestoreException)
        {
            return null;
        }
    }

    /// <summary>The family is the file's apiVersion: a KubeStash RestoreSession is checked by KubeStash's rules.</summary>
    private static bool IsKubeStash(string path) =>
        KubeStashApiVersion().IsMatch(ObjectFileReader.ReadText(path, "RestoreSession file"));

    [System.Text.RegularExpressions.GeneratedRegex(@"""?apiVersion""?\s*:\s*[""']?core\.kubestash\.com/v1alpha1\b")]
    private static partial System.Text.RegularExpressions.Regex KubeStashApiVersion();

    private static List<string> Expand(IEnumerable<string> inputs) =>
        inputs.SelectMany<string, string>(input => Directory.Exists(input)
                ? Directory.EnumerateFiles(input)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                : [input])
            .ToList();
}
