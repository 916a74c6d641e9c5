using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Tests.GoCompat;
using static Stash.Restore.Tests.Shared.HookTestKit;
using static Stash.Restore.Tests.Shared.HookContexts;

namespace Stash.Restore.Core.Tests.Hooks;

public sealed class HookTemplateTests
{
    [Theory]
    [InlineData("{{ .Namespace }}/{{ .Name }}@{{ .Hostname }}", "demo/restore-mysql@host-1")]
    [InlineData("{{.Namespace}}/{{.Name}}", "demo/restore-mysql")]
    [InlineData("{{   .Hostname\t}}", "host-1")]
    [InlineData("a  {{- .Name -}}  b", "arestore-mysqlb")]
    [InlineData("a {{ .Name -}}\n b", "a restore-mysqlb")]
    [InlineData("no template at all", "no template at all")]
    [InlineData("{ .Name } {", "{ .Name } {")]
    [InlineData("{{ .Invoker.Kind }} {{ .Invoker.Name }}", "RestoreSession restore-mysql")]
    [InlineData("{{ if eq .Hostname \"host-1\" }}first{{ else }}other{{ end }}", "first")]
    [InlineData("{{ $m := dict \"host\" .Hostname }}{{ toJson $m }}", "{\"host\":\"host-1\"}")]
    public void Renders_go_templates_over_the_hook_data(string template, string expected) =>
        Assert.Equal(expected, HookTemplate.Render(template, PreContext()));

    [Fact]
    public void Post_restore_hooks_read_the_restore_outcome() =>
        Assert.Equal(
            "phase=Failed duration=2m40.5s error=restic exited 1",
            HookTemplate.Render("phase={{ .Status.Phase }} duration={{ .Status.Duration }} error={{ .Status.Error }}", PostContext()));

    [Fact]
    public void A_successful_outcome_renders_an_empty_error() =>
        Assert.Equal("Succeeded:", HookTemplate.Render("{{.Status.Phase}}:{{.Status.Error}}", PostContext("Succeeded", null)));

    [Fact]
    public void The_target_comes_from_the_context()
    {
        var context = PostContext() with { Target = new HookTarget("StatefulSet", "mysql", "demo", "apps/v1") };
        Assert.Equal("apps/v1/StatefulSet demo/mysql", HookTemplate.Render("{{ .Target.APIVersion }}/{{ .Target.Kind }} {{ .Target.Namespace }}/{{ .Target.Name }}", context));
    }

    [Fact]
    public void Now_and_date_read_the_given_clock() =>
        Assert.Equal("2026-03-14 15:09", HookTemplate.Render("{{ now | date \"2006-01-02 15:04\" }}", PreContext(), new FixedClock(GoReference.Now)));

    [Theory]
    [InlineData("{{ .Foo }}", "can't evaluate field Foo in type hooks.Data")]
    [InlineData("{{ .status.phase }}", "can't evaluate field status in type hooks.Data")]
    [InlineData("{{ .Name.First }}", "can't evaluate field First in type string")]
    public void Unknown_fields_fail_when_rendering_as_in_go(string template, string expected)
    {
        var error = Assert.Throws<HookTemplateException>(() => HookTemplate.Render(template, PostContext()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ .Name ", "template: hook:1: unclosed action")]
    [InlineData("{{ }}", "template: hook:1: missing value for command")]
    [InlineData("{{ if .Name }}x", "template: hook:1: unexpected EOF")]
    [InlineData("{{ slack .Name }}", "template: hook:1: function \"slack\" not defined")]
    public void Syntax_errors_and_unknown_functions_are_gos_parse_errors(string template, string expected)
    {
        var error = Assert.Throws<HookTemplateException>(() => HookTemplate.Render(template, PreContext()));
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Problems_name_the_place_and_position_of_unknown_fields()
    {
        var problems = HookTemplate.Problems("{\n  \"text\": {{ .Status.Phse | quote }},\n  \"who\": {{ with .Target }}{{ .Kynd }}{{ end }}\n}", HookStage.PostRestore, "httpPost.body");

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("template: httpPost.body:2:20: unknown field .Status.Phse: hooks.Status has no field Phse", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("template: httpPost.body:3:30: unknown field .Kynd: hooks.Target has no field Kynd", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Known_fields_through_variables_and_with_are_not_problems() =>
        Assert.Empty(HookTemplate.Problems(
            "{{ $t := .Target }}{{ $t.Kind }}{{ with .Status }}{{ .Phase }}{{ end }}{{ range list 1 }}{{ .Anything }}{{ end }}{{ $.Invoker.Name }}",
            HookStage.PostRestore));

    [Fact]
    public void Status_is_not_available_before_the_restore()
    {
        var problems = HookTemplate.Problems("{{ .Status.Phase }}", HookStage.PreRestore);
        Assert.Contains("field .Status.Phase is only available to postRestore hooks", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_reports_template_problems_with_the_hook_and_place()
    {
        var hook = new HookSpec { Exec = new ExecAction { Command = ["notify", "{{ .Name | nosuch }}", "{{ .Hostnam }}"] } };

        var error = Assert.Throws<InvalidInputException>(() => HookValidation.Validate(hook, HookStage.PostRestore));

        Assert.Contains("spec.hooks.postRestore: template: exec.command[1]:1: function \"nosuch\" not defined", error.Message, StringComparison.Ordinal);
        Assert.Contains("template: exec.command[2]:1:3: unknown field .Hostnam", error.Message, StringComparison.Ordinal);
    }
}
