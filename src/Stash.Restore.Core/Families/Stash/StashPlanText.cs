using System.Text;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>The human-readable dry-run plan.</summary>
internal static class StashPlanText
{
    public static string Render(RestorePlanReport plan)
    {
        var text = new StringBuilder();
        text.AppendLine($"Dry run for {plan.Session} — nothing will be restored or written.");
        text.AppendLine($"  host:            {plan.Hostname}");
        if (plan.Note is not null)
        {
            text.AppendLine($"  result:          {plan.Note}");
            return text.ToString();
        }
        text.AppendLine($"  rule:            {plan.Rule} (source host {plan.SourceHost})");
        text.AppendLine($"  target dir:      {plan.TargetDirectory}");
        text.AppendLine($"  scratch dir:     {plan.ScratchDirectory}");
        text.AppendLine($"  restic version:  {plan.ResticVersion}");
        foreach (var hook in plan.Hooks)
            text.AppendLine($"  {hook.Stage} hook: {hook.Handler}{(hook.Container is null ? "" : $" in container {hook.Container}")}{(hook.ExecutionPolicy is null ? "" : $" (executionPolicy {hook.ExecutionPolicy})")}");
        for (var i = 0; i < plan.ResticCalls.Count; i++)
        {
            var call = plan.ResticCalls[i];
            text.AppendLine($"  restic call {i + 1}: {call.Description}");
            text.AppendLine($"    argv: {string.Join(' ', call.Argv.Select(Quote))}");
            text.AppendLine($"    env:  {string.Join(' ', call.EnvironmentNames)}");
        }
        return text.ToString();
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+%*".Contains(c)) ? arg : $"'{arg.Replace("'", "'\\''")}'";
}
