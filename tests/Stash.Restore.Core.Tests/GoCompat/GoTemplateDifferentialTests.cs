using System.Text;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>
/// Our interpreter against Go's text/template + sprig (the implementation Stash uses): the same bytes,
/// or a failure in both. Each test sends all its cases to one Go process.
/// </summary>
public sealed class GoTemplateDifferentialTests
{
    private static readonly HookTemplateData Succeeded = new(
        "restore-mysql", "demo", new HookInvoker("RestoreSession", "restore-mysql"),
        new HookTarget("StatefulSet", "mysql", "demo", "apps/v1"), new HookStatus("Succeeded", "2m40.595857548s", ""), "host-1");

    private static readonly HookTemplateData Failed = Succeeded with
    {
        Status = new HookStatus("Failed", "884.431745ms", "restic exited 1: Fatal: unable to open \"repo\" <&>"),
        Hostname = "host-0",
    };

    // Our own equivalents of Stash's "notify Slack after restore" bodies.
    private static readonly string[] SlackBodies =
    [
        """
        {{- $msg := dict "text" (printf "Restore of %s/%s finished: %s" .Namespace .Name .Status.Phase) -}}
        {{- toJson $msg -}}
        """,
        """
        {
          "channel": "#restores",
          {{- if eq .Status.Phase "Succeeded" }}
          "text": "{{ .Invoker.Kind }} {{ .Namespace }}/{{ .Invoker.Name }} restored {{ .Target.Kind }} {{ .Target.Name }} in {{ .Status.Duration }}"
          {{- else }}
          "text": {{ printf "%s %s/%s failed on %s: %s" .Invoker.Kind .Namespace .Name .Hostname .Status.Error | quote }}
          {{- end }}
        }
        """,
        """
        {{ $color := "good" }}{{ if ne .Status.Phase "Succeeded" }}{{ $color = "danger" }}{{ end -}}
        {{ $fields := list (dict "title" "Host" "value" .Hostname "short" true) (dict "title" "Duration" "value" .Status.Duration "short" true) -}}
        {{ toPrettyJson (dict "attachments" (list (dict "color" $color "fields" $fields "footer" (printf "%s/%s" .Target.APIVersion .Target.Kind)))) }}
        """,
        """
        {{- with .Status.Error }}error={{ . | trim | quote }}{{ else }}ok{{ end }} phase={{ .Status.Phase | lower }} at={{ now | date "2006-01-02T15:04:05Z07:00" }}
        """,
        """
        {{/* a comment */ -}}
        {{ range $i, $f := list .Name .Namespace .Hostname -}}
          {{ $i }}: {{ $f | upper }}{{ "\n" }}
        {{- end }}
        """,
    ];

    [RequiresGoFact]
    public void Slack_notification_bodies_render_the_same_bytes_as_go() =>
        _ = AssertSameAsGo(SlackBodies.SelectMany((body, i) => new[]
        {
            new TemplateCase($"slack{i}", body, Succeeded),
            new TemplateCase($"slack{i}", body, Failed),
        }).ToList(), requireOk: true);

    // Every builtin and sprig function hooks may use, including the argument orders and edge cases users hit.
    private static readonly string[] FunctionCases =
    [
        "{{ and 1 \"x\" }}|{{ and 1 0 \"x\" }}|{{ and .Name .Status.Error }}|{{ or 0 \"\" }}|{{ or 0 .Name }}|{{ not .Status.Error }}|{{ not 1 }}",
        "{{ eq .Status.Phase \"Succeeded\" }}|{{ eq 1 2 3 1 }}|{{ ne \"a\" \"b\" }}|{{ lt 1 2 }}|{{ le 2 2 }}|{{ gt \"b\" \"a\" }}|{{ ge 1.5 2.5 }}|{{ eq true true }}",
        "{{ eq 1 \"1\" }}",
        "{{ lt true false }}",
        "{{ len .Name }}|{{ len (list 1 2 3) }}|{{ len (dict \"a\" 1) }}|{{ len \"héllo\" }}",
        "{{ len 3 }}",
        "{{ index (list \"a\" \"b\") 1 }}|{{ index (dict \"k\" \"v\") \"k\" }}|{{ index (dict) \"missing\" }}|{{ index \"abc\" 1 }}|{{ index (list (list 1 2)) 0 1 }}",
        "{{ index (list 1) 5 }}",
        "{{ print }}|{{ print 1 2 \"a\" \"b\" 3 nil true }}|{{ print .Target }}|{{ print (list 1 \"x\") (dict \"b\" 2 \"a\" 1) }}",
        "{{ println \"a\" 1 }}{{ println }}",
        "{{ printf \"%s|%d|%v|%q|%%|%5s|%-5s|%05d|%x|%t\" .Name 42 (list 1) \"q\\\"\" \"r\" \"l\" 7 255 true }}",
        "{{ printf \"%d %s\" \"str\" 3 }}|{{ printf \"%s\" }}|{{ printf \"%s\" \"a\" \"extra\" 2 }}|{{ printf \"%v %v\" nil 1.5 }}|{{ printf \"%q\" 65 }}|{{ printf \"%.2f\" 3.14159 }}",
        // %f, %e, %g (and upper case) with Go's default precisions: 6 for %f and %e, the shortest for %g.
        "{{ printf \"%f|%e|%g|%F|%E|%G\" 3.14159 3.14159 3.14159 2.5 1e21 1e-7 }}|{{ printf \"%f %f %f %f %f\" 0.5 1e21 1e-7 -2.0 0.0 }}",
        "{{ printf \"%e %e %e %e\" 0.0 123456.789 -1e-300 1.0 }}|{{ printf \"%g %g %g %g %g %g\" 100000.0 1e21 1e-5 0.0001 123456789.0 1e20 }}",
        // Exact halves and values between: Go rounds the binary value, to even when it is exactly half.
        "{{ printf \"%.0f %.0f %.0f %.0f %.1f %.1f %.2f %.2f\" 0.5 1.5 2.5 -0.5 0.25 0.35 1.005 2.675 }}|{{ printf \"%.0e %.1e %.3g %.1g\" 2.5 1.25 2.0005 0.15 }}",
        "{{ printf \"%g %g %e %f %g\" 1.7976931348623157e308 5e-324 5e-324 1e-10 123456789012345678.0 }}|{{ printf \"%8.3f|%-8.2e|%+g|% f\" 3.14159 1234.5 2.5 1.5 }}",
        "{{ printf \"%f\" 3 }}|{{ printf \"%e\" \"x\" }}|{{ printf \"%g\" true }}|{{ print 1.0 2.5 1e21 1e20 0.000001 1e-7 -0.0 }}",
        // A map ranges in sorted key order, whatever order its keys were given in.
        "{{ range $k, $v := dict \"b\" 2 \"a\" 1 \"c\" 3 }}{{ $k }}={{ $v }};{{ end }}|{{ range dict \"zeta\" 1 \"alpha\" 2 \"Mid\" 3 }}{{ . }},{{ end }}",
        "{{ $d := dict \"9\" \"nine\" \"10\" \"ten\" \"1\" \"one\" \"é\" \"e-acute\" \"_\" \"under\" }}{{ range $k, $v := $d }}{{ $k }}:{{ $v }} {{ end }}|{{ range $k, $v := dict }}x{{ else }}empty{{ end }}",
        "{{ html \"<a href='x'>&\\\"</a>\" }}|{{ html 1 \"<\" }}|{{ js \"it's <b>\\\"=\\\\\\n\" }}|{{ urlquery \"a b&c=d/é~\" }}",
        "{{ dict \"a\" 1 \"b\" }}|{{ dict 1 2 }}|{{ toJson (dict \"z\" nil \"a\" (list true 1.5 \"x\")) }}",
        "{{ list }}|{{ list 1 \"a\" nil }}|{{ toJson (list) }}",
        "{{ get (dict \"a\" \"b\") \"a\" }}|{{ get (dict) \"x\" }}|{{ hasKey (dict \"a\" 1) \"a\" }}|{{ hasKey (dict) \"a\" }}",
        "{{ get (split \",\" \"a,b\") \"_0\" }}",
        "{{ default \"d\" \"\" }}|{{ default \"d\" .Name }}|{{ default 5 0 }}|{{ default \"d\" (list) }}|{{ .Status.Error | default \"none\" }}|{{ default \"d\" }}",
        "{{ empty \"\" }}|{{ empty 0 }}|{{ empty 1.5 }}|{{ empty (list) }}|{{ empty (dict \"a\" 1) }}|{{ empty .Target }}|{{ empty nil }}|{{ empty false }}",
        "{{ coalesce \"\" 0 .Name }}|{{ coalesce \"\" nil }}|{{ coalesce }}",
        "{{ toJson . }}|{{ toJson .Status }}|{{ toJson \"<tag> & \\u2028 \\t\\u0001\" }}|{{ toJson 1e21 }}|{{ toJson 0.000001 }}|{{ toJson 1e-7 }}|{{ toJson -0.5 }}",
        "{{ toPrettyJson . }}|{{ toPrettyJson (dict) }}|{{ toPrettyJson (list) }}|{{ toPrettyJson (dict \"a\" (list 1 (dict \"b\" nil))) }}",
        "{{ quote \"a\" 1 nil \"b\\\"c\" }}|{{ squote \"a\" 2 nil }}|{{ quote }}|{{ quote \"tab\\there\" \"é\\u00a0\" }}",
        "{{ upper \"héllo\" }}|{{ lower \"HÉLLO\" }}|{{ title \"hello wORLD-foo_bar x.y 1st\" }}|{{ trim \"  \\t x y \\n\" }}",
        "{{ trimPrefix \"host-\" .Hostname }}|{{ trimSuffix \".svc\" \"db.svc\" }}|{{ trimPrefix \"x\" \"abc\" }}|{{ .Hostname | trimPrefix \"host-\" }}",
        "{{ replace \"-\" \"_\" \"a-b-c\" }}|{{ replace \"\" \"+\" \"ab\" }}|{{ .Name | replace \"mysql\" \"db\" }}",
        "{{ contains \"sql\" .Name }}|{{ hasPrefix \"restore\" .Name }}|{{ hasSuffix \"x\" .Name }}|{{ .Name | contains \"restore\" }}",
        "{{ join \",\" (list \"a\" 1 nil true) }}|{{ join \"-\" \"single\" }}|{{ join \",\" nil }}",
        "{{ split \",\" \"a,b,,c\" }}|{{ (split \"/\" .Target.APIVersion)._0 }}|{{ split \"\" \"abc\" }}|{{ range $k, $v := split \",\" \"x,y\" }}{{ $k }}={{ $v }};{{ end }}",
        "{{ indent 2 \"a\\nb\" }}|{{ nindent 4 \"x\" }}|{{ \"line1\\nline2\" | indent 3 }}",
        "{{ indent \"2\" \"x\" }}",
        "{{ now }}|{{ now | date \"2006-01-02 15:04:05.000 Mon Jan _2 3:4:5 PM MST -0700 Z07:00\" }}|{{ date \"06/1/2 .999999\" now }}|{{ date \"2006-01-02\" 86400 }}",
        "{{ toJson now }}|{{ date \"January Monday 002 pm\" now }}",
        "{{ toString 1 }}|{{ toString 2.5 }}|{{ toString true }}|{{ toString nil }}|{{ toString (list 1 \"a\") }}|{{ toString .Status }}",
        "{{ b64enc .Name }}|{{ b64enc \"\" }}|{{ b64enc \"é€\" }}",
        "{{ upper 3 }}",
        "{{ .Name.Foo }}",
        "{{ .Nope }}",
    ];

    [RequiresGoFact]
    public void Every_builtin_and_sprig_function_renders_the_same_as_go() =>
        _ = AssertSameAsGo(FunctionCases.Select((t, i) => new TemplateCase($"fn{i}", t, i % 2 == 0 ? Succeeded : Failed)).ToList(), requireOk: false);

    // Syntax and function errors are found while parsing, with Go's message.
    private static readonly string[] ParseErrors =
    [
        "{{ if .Name }}unclosed",
        "{{ .Name ",
        "{{ nosuchfunc .Name }}",
        "{{ $undefined }}",
        "{{ end }}",
        "{{ else }}",
        "{{ }}",
        "{{ if }}{{ end }}",
        "{{ range $a, $b, $c := list }}{{ end }}",
        "{{ \"unterminated }}",
        "{{ .Name | \"x\" }}",
        "{{ (1 }}",
        "{{ 1) }}",
        "{{ \"x\".Foo }}",
        "{{/* unclosed comment }}",
        "{{ 1.2.3 }}",
        "{{ @ }}",
        "line1\n{{ if .Name }}\nline3",
        "{{ with .Name }}{{ else if .Name }}{{ end }}",
        "{{ $x := 1 }}{{ $x := }}",
    ];

    [RequiresGoFact]
    public void Parse_errors_fail_in_both_with_gos_message()
    {
        var cases = ParseErrors.Select((t, i) => new TemplateCase($"bad{i}", t, Succeeded)).ToList();
        var go = GoReference.Render(cases);
        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var ours = OurRender.Render(cases[i]);
            if (go[i].Ok || !go[i].ParseError)
                failures.Add($"case {i} {cases[i].Template}: Go did not fail to parse");
            else if (ours.Ok || ours.Error != go[i].Error)
                failures.Add($"case {i} {cases[i].Template}: Go says {go[i].Error}; ours {(ours.Ok ? "rendered" : ours.Error)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [RequiresGoFact]
    public void Generated_templates_render_the_same_or_fail_in_both()
    {
        var random = new Random(20260314);
        var cases = Enumerable.Range(0, 600)
            .Select(i => new TemplateCase($"gen{i}", TemplateGenerator.Template(random), i % 3 == 0 ? Failed : Succeeded))
            .ToList();
        var go = AssertSameAsGo(cases, requireOk: false);

        // The static field check behind `validate` flags a field only when Go cannot read it: every flagged
        // expression, rendered alone by Go over the same data, fails with "can't evaluate field". (It also flags
        // fields in branches Go never reached, which is why the expression is re-checked alone.)
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

        // Enough of them must render for the comparison to mean something.
        var rendered = cases.Count(c => OurRender.Render(c).Ok);
        Assert.True(rendered > cases.Count / 3, $"only {rendered} of {cases.Count} generated templates rendered");
    }

    [Fact]
    public void The_slack_bodies_pass_the_static_field_check() =>
        Assert.All(SlackBodies, body => Assert.Empty(HookTemplate.Problems(body, HookStage.PostRestore)));

    private static IReadOnlyList<GoResult> AssertSameAsGo(IReadOnlyList<TemplateCase> cases, bool requireOk)
    {
        var go = GoReference.Render(cases);
        var failures = new StringBuilder();
        for (var i = 0; i < cases.Count; i++)
        {
            var ours = OurRender.Render(cases[i]);
            var expected = go[i];
            if (requireOk && !expected.Ok)
                failures.AppendLine($"case {i}: Go failed: {expected.Error}");
            // Errors must match too: Go's message, position and node (type names aside: main.Data is hooks.Data here).
            else if (expected.Ok != ours.Ok || (expected.Ok && expected.Output != ours.Output)
                || (!expected.Ok && expected.Error.Replace("main.", "hooks.", StringComparison.Ordinal) != ours.Error))
            {
                failures.AppendLine($"case {i}: {cases[i].Template}");
                failures.AppendLine($"   go:   {(expected.Ok ? Show(expected.Output) : "error " + expected.Error)}");
                failures.AppendLine($"   ours: {(ours.Ok ? Show(ours.Output) : "error " + ours.Error)}");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
        return go;
    }

    private static string Show(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal);
}
