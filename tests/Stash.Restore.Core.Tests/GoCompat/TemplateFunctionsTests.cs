namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>Every other builtin and sprig function hooks may use against Go, including the argument orders and edge cases users hit.</summary>
public sealed class TemplateFunctionsTests
{
    private static readonly string[] Cases =
    [
        "{{ and 1 \"x\" }}|{{ and 1 0 \"x\" }}|{{ and .Name .Status.Error }}|{{ or 0 \"\" }}|{{ or 0 .Name }}|{{ not .Status.Error }}|{{ not 1 }}",
        "{{ len .Name }}|{{ len (list 1 2 3) }}|{{ len (dict \"a\" 1) }}|{{ len \"héllo\" }}",
        "{{ len 3 }}",
        "{{ index (list \"a\" \"b\") 1 }}|{{ index (dict \"k\" \"v\") \"k\" }}|{{ index (dict) \"missing\" }}|{{ index \"abc\" 1 }}|{{ index (list (list 1 2)) 0 1 }}",
        "{{ index (list 1) 5 }}",
        "{{ dict \"a\" 1 \"b\" }}|{{ dict 1 2 }}|{{ toJson (dict \"z\" nil \"a\" (list true 1.5 \"x\")) }}",
        "{{ list }}|{{ list 1 \"a\" nil }}|{{ toJson (list) }}",
        "{{ get (dict \"a\" \"b\") \"a\" }}|{{ get (dict) \"x\" }}|{{ hasKey (dict \"a\" 1) \"a\" }}|{{ hasKey (dict) \"a\" }}",
        "{{ get (split \",\" \"a,b\") \"_0\" }}",
        "{{ default \"d\" \"\" }}|{{ default \"d\" .Name }}|{{ default 5 0 }}|{{ default \"d\" (list) }}|{{ .Status.Error | default \"none\" }}|{{ default \"d\" }}",
        "{{ empty \"\" }}|{{ empty 0 }}|{{ empty 1.5 }}|{{ empty (list) }}|{{ empty (dict \"a\" 1) }}|{{ empty .Target }}|{{ empty nil }}|{{ empty false }}",
        "{{ coalesce \"\" 0 .Name }}|{{ coalesce \"\" nil }}|{{ coalesce }}",
        "{{ quote \"a\" 1 nil \"b\\\"c\" }}|{{ squote \"a\" 2 nil }}|{{ quote }}|{{ quote \"tab\\there\" \"é\\u00a0\" }}",
        "{{ upper \"héllo\" }}|{{ lower \"HÉLLO\" }}|{{ title \"hello wORLD-foo_bar x.y 1st\" }}|{{ trim \"  \\t x y \\n\" }}",
        "{{ trimPrefix \"host-\" .Hostname }}|{{ trimSuffix \".svc\" \"db.svc\" }}|{{ trimPrefix \"x\" \"abc\" }}|{{ .Hostname | trimPrefix \"host-\" }}",
        "{{ replace \"-\" \"_\" \"a-b-c\" }}|{{ replace \"\" \"+\" \"ab\" }}|{{ .Name | replace \"mysql\" \"db\" }}",
        "{{ contains \"sql\" .Name }}|{{ hasPrefix \"restore\" .Name }}|{{ hasSuffix \"x\" .Name }}|{{ .Name | contains \"restore\" }}",
        "{{ join \",\" (list \"a\" 1 nil true) }}|{{ join \"-\" \"single\" }}|{{ join \",\" nil }}",
        "{{ split \",\" \"a,b,,c\" }}|{{ (split \"/\" .Target.APIVersion)._0 }}|{{ split \"\" \"abc\" }}|{{ range $k, $v := split \",\" \"x,y\" }}{{ $k }}={{ $v }};{{ end }}",
        "{{ indent 2 \"a\\nb\" }}|{{ nindent 4 \"x\" }}|{{ \"line1\\nline2\" | indent 3 }}",
        "{{ indent \"2\" \"x\" }}",
        "{{ toString 1 }}|{{ toString 2.5 }}|{{ toString true }}|{{ toString nil }}|{{ toString (list 1 \"a\") }}|{{ toString .Status }}",
        "{{ b64enc .Name }}|{{ b64enc \"\" }}|{{ b64enc \"é€\" }}",
        "{{ upper 3 }}",
    ];

    [RequiresGoFact]
    public void Builtin_and_sprig_functions_render_the_same_as_go() => GoDifferential.AssertTemplatesSameAsGo("fn", Cases);
}
