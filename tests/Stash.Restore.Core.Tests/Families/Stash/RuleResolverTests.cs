using Stash.Restore.Core;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>Which rule restores a host (SPEC §5): the rule naming it, else the catch-all, else none; the order of rules does not matter.</summary>
public class RuleResolverTests
{
    private static RestoreRule Rule(string[]? hosts = null, string? source = null, string[]? paths = null, string[]? snapshots = null) =>
        new() { TargetHosts = hosts?.ToList(), SourceHost = source, Paths = paths?.ToList(), Snapshots = snapshots?.ToList() };

    [Fact]
    public void A_specific_rule_beats_the_catch_all_whatever_the_order()
    {
        var specific = Rule(["host-3", "host-4"], "host-1", ["/data"]);
        var catchAll = Rule([], "", ["/data"]);
        foreach (var rules in new[] { new[] { specific, catchAll }, new[] { catchAll, specific } })
        {
            var resolved = RuleResolver.Resolve(rules, "host-3");
            Assert.NotNull(resolved);
            Assert.Same(specific, resolved.Rule);
            Assert.Equal("host-1", resolved.SourceHost);
            Assert.Equal(Array.IndexOf(rules, specific), resolved.Index);
        }
    }

    [Fact]
    public void Catch_all_applies_to_other_hosts_and_empty_sourceHost_means_the_host_itself()
    {
        var resolved = RuleResolver.Resolve([Rule(["host-3"], "host-1", ["/a"]), Rule(null, "", ["/b"])], "host-2");
        Assert.NotNull(resolved);
        Assert.Equal(1, resolved.Index);
        Assert.Equal("host-2", resolved.SourceHost);
    }

    [Fact]
    public void No_matching_rule_resolves_to_nothing() =>
        Assert.Null(RuleResolver.Resolve([Rule(["host-3"], null, ["/a"])], "host-0"));

    [Fact]
    public void The_rule_is_named_where_the_session_wrote_it_for_the_status_and_log_lines()
    {
        var rules = new[] { Rule(["host-0"], null, ["/a"]), Rule(null, " host-9 ", ["/b"]) };
        var inTarget = new RestoreSession { Spec = new RestoreSessionSpec { Target = new RestoreTarget { Rules = [.. rules] } } };
        var legacy = inTarget with { Spec = inTarget.Spec with { RulesField = RestoreSessionSpec.LegacyRulesField } };

        var resolved = RuleResolver.Resolve(inTarget, "host-1")!;

        Assert.Equal("spec.target.rules[1]", resolved.Name);
        Assert.Equal("spec.rules[1]", RuleResolver.Resolve(legacy, "host-1")!.Name);
        // sourceHost is trimmed, as the operator's webhook leaves it.
        Assert.Equal("host-9", resolved.SourceHost);
    }

    [Fact]
    public void Host_names_match_exactly_and_a_session_without_rules_restores_nothing()
    {
        Assert.Null(RuleResolver.Resolve([Rule(["Host-0"], null, ["/a"])], "host-0"));
        Assert.Null(RuleResolver.Resolve(new RestoreSession(), "host-0"));
    }
}
