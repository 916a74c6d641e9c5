using System.Text;
using Stash.Restore.Core.Engine;

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
        text.AppendLine($"  mirror:          {(plan.Mirror ? "yes (stash-restore/mirror): what the snapshot lacks under each restored path is deleted" : "no")}");
        foreach (var hook in plan.Hooks)
            text.AppendLine($"  {hook.Stage} hook: {hook.Handler}{(hook.Container is null ? "" : $" in container {hook.Container}")}{(hook.ExecutionPolicy is null ? "" : $" (executionPolicy {hook.ExecutionPolicy})")}");
        for (var i = 0; i < plan.ResticCalls.Count; i++)
        {
            var call = plan.ResticCalls[i];
            text.AppendLine($"  restic call {i + 1}: {call.Description}");
            text.AppendLine($"    argv: {string.Join(' ', call.Argv.Select(Quote))}");
            text.AppendLine($"    env:  {string.Join(' ', call.EnvironmentNames)}");
            text.AppendLine($"    target now: {DryRun.DescribeChanges(call, plan.PreviewNote)}");
        }
        return text.ToString();
    }

    /// <summary>One row per host and call: rule, source host, what it restores, and the snapshot it resolves to now.</summary>
    public static string Render(HostsPreviewReport preview)
    {
        var rows = new List<string[]> { new[] { "HOST", "RULE", "SOURCE HOST", "RESTORES", "TARGET NOW", "SNAPSHOT NOW" } };
        foreach (var host in preview.Hosts)
        {
            if (host.Note is not null)
            {
                rows.Add([host.Hostname, host.Rule ?? "-", host.SourceHost ?? "-", "-", "-", host.Note]);
                continue;
            }
            foreach (var call in host.Calls)
            {
                var snapshot = call.Snapshot is { } s ? $"{s.ShortId} of {s.Host} at {s.Time}" : call.Problem ?? "-";
                // Only the local host's target can be looked at; another host's volume is in another pod.
                var target = host.TargetIsLocal
                    ? DryRun.DescribeChanges(new PlannedResticCall("", [], []) { Changes = call.Changes, ChangesProblem = call.ChangesProblem }, host.PreviewNote)
                    : "-";
                rows.Add([host.Hostname, host.Rule ?? "-", host.SourceHost ?? "-", call.Restores, target, snapshot]);
            }
        }
        var widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        text.AppendLine($"Dry run for {preview.Session}, {preview.Hosts.Count} host(s), repository {preview.Repository} — nothing will be restored or written.");
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        return text.ToString();
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+%*".Contains(c)) ? arg : $"'{arg.Replace("'", "'\\''")}'";
}
