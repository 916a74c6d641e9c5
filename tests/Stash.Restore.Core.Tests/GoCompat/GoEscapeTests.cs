namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary><c>html</c>, <c>js</c> and <c>urlquery</c> against Go's escapers.</summary>
public sealed class GoEscapeTests
{
    private static readonly string[] Cases =
    [
        "{{ html \"<a href='x'>&\\\"</a>\" }}|{{ html 1 \"<\" }}|{{ js \"it's <b>\\\"=\\\\\\n\" }}|{{ urlquery \"a b&c=d/é~\" }}",
    ];

    [RequiresGoFact]
    public void Html_js_and_urlquery_escape_as_go_does() => GoDifferential.AssertTemplatesSameAsGo("esc", Cases);
}
