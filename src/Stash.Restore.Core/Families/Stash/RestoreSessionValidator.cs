using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Checks a normalised RestoreSession before anything runs (SPEC §5). Every problem is named
/// with its place (e.g. <c>spec.target.rules[1].paths[0]</c>) so a user can fix it in one go.
/// </summary>
internal static class RestoreSessionValidator
{
    public static IReadOnlyList<string> Problems(RestoreSession session)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(session.Metadata.Name))
            problems.Add("metadata.name is empty");
        if (session.Spec.Driver is { Length: > 0 } driver && driver is not ("Restic" or StashSessionSupport.VolumeSnapshotter))
            problems.Add($"spec.driver \"{driver}\" is not one of Restic, {StashSessionSupport.VolumeSnapshotter}");
        if (session.Spec.TimeOut is { } timeOut && !GoCompat.GoDuration.TryParse(timeOut, out _))
            problems.Add($"spec.timeOut \"{timeOut}\" is not a duration like 30m or 1h30m");
        if (MirrorMode.Problem(session.Metadata.Annotations) is { } mirror)
            problems.Add(mirror);
        problems.AddRange(RuleProblems(session.Spec.Target?.Rules ?? [], session.Spec.RulesField));
        if (session.Spec.Hooks?.PreRestore is { } pre && HookValidation.Problem(pre, HookStage.PreRestore) is { } preProblem)
            problems.Add($"spec.hooks.preRestore: {preProblem}");
        if (session.Spec.Hooks?.PostRestore is { } post && HookValidation.Problem(post, HookStage.PostRestore) is { } postProblem)
            problems.Add($"spec.hooks.postRestore: {postProblem}");
        return problems;
    }

    /// <summary>What is allowed but risky: hooks that paste restic's error into a shell script unquoted.</summary>
    public static IReadOnlyList<string> Warnings(RestoreSession session)
    {
        var warnings = new List<string>();
        if (session.Spec.Hooks?.PreRestore is { } pre)
            warnings.AddRange(ShellInjectionCheck.Warnings(pre).Select(w => $"spec.hooks.preRestore.{w}"));
        if (session.Spec.Hooks?.PostRestore is { } post)
            warnings.AddRange(ShellInjectionCheck.Warnings(post).Select(w => $"spec.hooks.postRestore.{w}"));
        return warnings;
    }

    public static IEnumerable<string> RuleProblems(IReadOnlyList<RestoreRule> rules, string field = RestoreSessionSpec.TargetRulesField)
    {
        int? catchAll = null;
        var ownerOfHost = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var where = $"{field}[{i}]";
            var hosts = rule.TargetHosts ?? [];
            if (hosts.Count == 0)
            {
                if (catchAll is { } first)
                    yield return $"{where}: a second rule with empty targetHosts; rules[{first}] already applies to every other host";
                else
                    catchAll = i;
            }
            foreach (var host in hosts.Distinct(StringComparer.Ordinal))
            {
                if (string.IsNullOrWhiteSpace(host))
                    yield return $"{where}.targetHosts: contains an empty host name";
                else if (ownerOfHost.TryGetValue(host, out var owner))
                    yield return $"{where}.targetHosts: host \"{host}\" is also in rules[{owner}]";
                else
                    ownerOfHost[host] = i;
            }

            var paths = rule.Paths ?? [];
            var snapshots = rule.Snapshots ?? [];
            if (paths.Count > 0 && snapshots.Count > 0)
                yield return $"{where}: sets both snapshots and paths; a rule restores either named snapshots or the latest snapshot of paths";
            else if (paths.Count == 0 && snapshots.Count == 0)
                yield return $"{where}: has neither paths nor snapshots, so it would restore nothing";
            for (var p = 0; p < paths.Count; p++)
            {
                if (!paths[p].StartsWith('/'))
                    yield return $"{where}.paths[{p}]: \"{paths[p]}\" is not an absolute path";
            }
            for (var s = 0; s < snapshots.Count; s++)
            {
                if (string.IsNullOrWhiteSpace(snapshots[s]))
                    yield return $"{where}.snapshots[{s}]: empty snapshot id";
            }
        }
    }
}
