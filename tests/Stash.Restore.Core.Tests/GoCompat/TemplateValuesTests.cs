namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>Maps built in templates against Go's: ranged in sorted key order whatever order the keys were given in.</summary>
public sealed class TemplateValuesTests
{
    private static readonly string[] Cases =
    [
        // A map ranges in sorted key order, whatever order its keys were given in.
        "{{ range $k, $v := dict \"b\" 2 \"a\" 1 \"c\" 3 }}{{ $k }}={{ $v }};{{ end }}|{{ range dict \"zeta\" 1 \"alpha\" 2 \"Mid\" 3 }}{{ . }},{{ end }}",
        "{{ $d := dict \"9\" \"nine\" \"10\" \"ten\" \"1\" \"one\" \"é\" \"e-acute\" \"_\" \"under\" }}{{ range $k, $v := $d }}{{ $k }}:{{ $v }} {{ end }}|{{ range $k, $v := dict }}x{{ else }}empty{{ end }}",
    ];

    [RequiresGoFact]
    public void Maps_range_in_gos_sorted_key_order() => GoDifferential.AssertTemplatesSameAsGo("map", Cases);
}
