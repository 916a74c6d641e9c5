using Stash.Restore.Core.Hooks;
using static Stash.Restore.Core.Tests.Hooks.HookTestKit;

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
    public void Renders_fields_with_go_whitespace_rules(string template, string expected) =>
        Assert.Equal(expected, HookTemplate.Render(template, PreContext()));

    [Fact]
    public void Post_restore_hooks_read_the_restore_outcome() =>
        Assert.Equal(
            "phase=Failed duration=2m40.5s error=restic exited 1",
            HookTemplate.Render("phase={{ .Status.Phase }} duration={{ .Status.Duration }} error={{ .Status.Error }}", PostContext()));

    [Fact]
    public void A_successful_outcome_renders_an_empty_error() =>
        Assert.Equal("Succeeded:", HookTemplate.Render("{{.Status.Phase}}:{{.Status.Error}}", PostContext("Succeeded", null)));

    [Theory]
    [InlineData("{{ .Foo }}", ".Foo")]
    [InlineData("{{ .status.phase }}", ".status.phase")]
    [InlineData("{{ .Status }}", ".Status")]
    public void Unknown_fields_are_an_error_naming_the_field(string template, string field)
    {
        var error = Assert.Throws<HookTemplateException>(() => HookTemplate.Render(template, PostContext()));
        Assert.Contains($"unknown field {field}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ .Name ", "unclosed action")]
    [InlineData("{{ }}", "empty action")]
    [InlineData("{{ printf \"%s\" .Name }}", "unsupported action")]
    [InlineData("{{ if .Name }}x{{ end }}", "unsupported action")]
    public void Anything_but_a_field_is_rejected(string template, string expected)
    {
        var error = Assert.Throws<HookTemplateException>(() => HookTemplate.Render(template, PreContext()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_is_not_available_before_the_restore()
    {
        var error = Assert.Throws<HookTemplateException>(() => HookTemplate.Render("{{ .Status.Phase }}", PreContext()));
        Assert.Contains("only available to postRestore", error.Message, StringComparison.Ordinal);
    }
}
