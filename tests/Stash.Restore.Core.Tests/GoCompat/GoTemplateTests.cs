namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>
/// The whole interpreter (parse, then execute over the hook data) against Go's text/template + sprig, the
/// implementation Stash uses: the same bytes, or a failure in both. Each test sends all its cases to one Go process.
/// </summary>
public sealed class GoTemplateTests
{
    /// <summary>Our own equivalents of Stash's "notify Slack after restore" bodies.</summary>
    internal static readonly string[] SlackBodies =
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
        _ = GoDifferential.AssertSameAsGo(SlackBodies.SelectMany((body, i) => new[]
        {
            new TemplateCase($"slack{i}", body, GoDifferential.Succeeded),
            new TemplateCase($"slack{i}", body, GoDifferential.Failed),
        }).ToList(), requireOk: true);

    [RequiresGoFact]
    public void Generated_templates_render_the_same_or_fail_in_both()
    {
        var cases = GeneratedCases();
        _ = GoDifferential.AssertSameAsGo(cases, requireOk: false);

        // Enough of them must render for the comparison to mean something.
        var rendered = cases.Count(c => OurRender.Render(c).Ok);
        Assert.True(rendered > cases.Count / 3, $"only {rendered} of {cases.Count} generated templates rendered");
    }

    /// <summary>600 random templates over the hook data, the same ones every run.</summary>
    internal static List<TemplateCase> GeneratedCases()
    {
        var random = new Random(20260314);
        return Enumerable.Range(0, 600)
            .Select(i => new TemplateCase($"gen{i}", TemplateGenerator.Template(random), i % 3 == 0 ? GoDifferential.Failed : GoDifferential.Succeeded))
            .ToList();
    }
}
