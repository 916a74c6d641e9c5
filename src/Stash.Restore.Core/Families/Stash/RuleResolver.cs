using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>Picks the restore rule for a host (SPEC §5). Order of rules does not matter.</summary>
internal static class RuleResolver
{
    /// <summary>
    /// A rule naming <paramref name="host"/> in <c>targetHosts</c> wins; else the rule with empty
    /// <c>targetHosts</c>; else null (nothing to restore for this host).
    /// </summary>
    public static ResolvedRule? Resolve(RestoreSession session, string host) =>
        Resolve(session.Spec.Target?.Rules ?? [], host, session.Spec.RulesField);

    public static ResolvedRule? Resolve(IReadOnlyList<RestoreRule> rules, string host, string field = RestoreSessionSpec.TargetRulesField)
    {
        int? catchAll = null;
        for (var i = 0; i < rules.Count; i++)
        {
            var hosts = rules[i].TargetHosts ?? [];
            if (hosts.Contains(host, StringComparer.Ordinal))
                return Resolved(rules, i, host, field);
            if (hosts.Count == 0)
                catchAll ??= i;
        }
        return catchAll is { } index ? Resolved(rules, index, host, field) : null;
    }

    private static ResolvedRule Resolved(IReadOnlyList<RestoreRule> rules, int index, string host, string field)
    {
        var rule = rules[index];
        var source = string.IsNullOrWhiteSpace(rule.SourceHost) ? host : rule.SourceHost.Trim();
        return new ResolvedRule(index, rule, source, $"{field}[{index}]");
    }
}
