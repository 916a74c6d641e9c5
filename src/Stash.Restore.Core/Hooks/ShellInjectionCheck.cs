using System.Text.RegularExpressions;

namespace Stash.Restore.Core.Hooks;

/// <summary>
/// A warning, not an error: an exec hook that runs a shell (<c>sh -c "…"</c>) and pastes
/// <c>{{ .Status.Error }}</c> into its script unquoted. restic's error text can carry file names from
/// the backup, so whoever named a file could run commands in the hook; <c>squote</c> makes it one
/// literal shell word.
/// </summary>
internal static partial class ShellInjectionCheck
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "dash", "ash", "zsh", "ksh" };

    public static IReadOnlyList<string> Warnings(HookSpec hook)
    {
        var command = hook.Exec?.Command ?? [];
        if (command.Count < 2 || !RunsShell(command))
            return [];
        var warnings = new List<string>();
        for (var i = 1; i < command.Count; i++)
        {
            foreach (Match action in Action().Matches(command[i] ?? ""))
            {
                var text = action.Value;
                if (text.Contains(".Status.Error", StringComparison.Ordinal) && !Quoted().IsMatch(text))
                {
                    warnings.Add($"exec.command[{i}] pastes {text} into a shell script unquoted; restic's error can carry file names from the backup: write {{{{ .Status.Error | squote }}}}");
                }
            }
        }
        return warnings;
    }

    private static bool RunsShell(IReadOnlyList<string> command)
    {
        var first = 0;
        if (Path.GetFileName(command[0] ?? "") == "env" && command.Count > 2)
            first = 1;
        return Shells.Contains(Path.GetFileName(command[first] ?? "")) && command.Skip(first + 1).Any(a => a is not null && a.StartsWith('-') && a.Contains('c', StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    // {{ .Status.Error | squote }}, {{ squote .Status.Error }}, {{ quote … }}
    [GeneratedRegex(@"\b(squote|quote)\b")]
    private static partial Regex Quoted();
}
