using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>
/// The static field check behind <c>validate</c>: it flags a hook template's field only when Go cannot read it,
/// and misses none that Go fails on.
/// </summary>
public sealed class TemplateFieldCheckTests
{
    [Fact]
    public void The_slack_bodies_pass_the_static_field_check() =>
        Assert.All(GoTemplateTests.SlackBodies, body => Assert.Empty(HookTemplate.Problems(body, HookStage.PostRestore)));

    [RequiresGoFact]
    public void Generated_templates_are_flagged_exactly_where_go_cannot_read_a_field()
    {
        var cases = GoTemplateTests.GeneratedCases();
        var go = GoReference.Render(cases);

        // Every flagged expression, rendered alone by Go over the same data, fails with "can't evaluate field".
        // (The check also flags fields in branches Go never reached, which is why the expression is re-checked alone.)
        var flagged = new List<TemplateCase>();
        for (var i = 0; i < cases.Count; i++)
        {
            // Parse errors are problems too; only field problems are re-checked here.
            foreach (var problem in HookTemplate.Problems(cases[i].Template, HookStage.PostRestore, cases[i].Name)
                         .Where(p => p.Contains("unknown field ", StringComparison.Ordinal)))
            {
                var expression = problem[(problem.IndexOf("unknown field ", StringComparison.Ordinal) + "unknown field ".Length)..];
                expression = expression[..expression.IndexOf(": ", StringComparison.Ordinal)];
                flagged.Add(new TemplateCase($"flagged{i}", $"{{{{ {expression} }}}}", cases[i].Data));
            }
            if (go[i].Ok == false && go[i].Error.Contains("can't evaluate field", StringComparison.Ordinal)
                && !go[i].Error.Contains("at <$x", StringComparison.Ordinal))
            {
                Assert.True(HookTemplate.Problems(cases[i].Template, HookStage.PostRestore, cases[i].Name).Count > 0,
                    $"Go failed on an unknown field the static check missed: {cases[i].Template}: {go[i].Error}");
            }
        }
        Assert.True(flagged.Count > 20, $"only {flagged.Count} fields flagged");
        var alone = GoReference.Render(flagged);
        for (var i = 0; i < flagged.Count; i++)
            Assert.True(!alone[i].Ok && alone[i].Error.Contains("can't evaluate field", StringComparison.Ordinal), $"{flagged[i].Template}: Go says {(alone[i].Ok ? "ok" : alone[i].Error)}");
    }
}
