namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary><c>now</c> and <c>date</c> against Go's time formatting: layouts, fractions, zones, and a time as JSON.</summary>
public sealed class GoTimeTests
{
    private static readonly string[] Cases =
    [
        "{{ now }}|{{ now | date \"2006-01-02 15:04:05.000 Mon Jan _2 3:4:5 PM MST -0700 Z07:00\" }}|{{ date \"06/1/2 .999999\" now }}|{{ date \"2006-01-02\" 86400 }}",
        "{{ toJson now }}|{{ date \"January Monday 002 pm\" now }}",
    ];

    [RequiresGoFact]
    public void Now_and_date_render_the_same_as_go() => GoDifferential.AssertTemplatesSameAsGo("time", Cases);
}
