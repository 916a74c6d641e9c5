namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>Comparisons (<c>eq</c>, <c>ne</c>, <c>lt</c>, <c>le</c>, <c>gt</c>, <c>ge</c>) against Go: equal kinds compare, mixed kinds fail with Go's message.</summary>
public sealed class GoCompareTests
{
    private static readonly string[] Cases =
    [
        "{{ eq .Status.Phase \"Succeeded\" }}|{{ eq 1 2 3 1 }}|{{ ne \"a\" \"b\" }}|{{ lt 1 2 }}|{{ le 2 2 }}|{{ gt \"b\" \"a\" }}|{{ ge 1.5 2.5 }}|{{ eq true true }}",
        "{{ eq 1 \"1\" }}",
        "{{ lt true false }}",
    ];

    [RequiresGoFact]
    public void Comparisons_agree_with_go() => GoDifferential.AssertTemplatesSameAsGo("cmp", Cases);
}
