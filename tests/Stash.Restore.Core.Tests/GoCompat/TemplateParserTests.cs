namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>Templates that do not form a tree fail to parse in both, with Go's message: unclosed and stray control words, empty pipelines, unknown functions and variables.</summary>
public sealed class TemplateParserTests
{
    private static readonly string[] Templates =
    [
        "{{ if .Name }}unclosed",
        "{{ nosuchfunc .Name }}",
        "{{ $undefined }}",
        "{{ end }}",
        "{{ else }}",
        "{{ }}",
        "{{ if }}{{ end }}",
        "{{ range $a, $b, $c := list }}{{ end }}",
        "{{ .Name | \"x\" }}",
        "{{ \"x\".Foo }}",
        "line1\n{{ if .Name }}\nline3",
        "{{ with .Name }}{{ else if .Name }}{{ end }}",
        "{{ $x := 1 }}{{ $x := }}",
    ];

    [RequiresGoFact]
    public void Parse_errors_fail_in_both_with_gos_message() => GoDifferential.AssertParseErrorsSameAsGo("bad", Templates);
}
