namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>Executing against the hook data: a field that is not there fails as Go fails, with its position and node.</summary>
public sealed class TemplateExecutorTests
{
    private static readonly string[] Cases =
    [
        "{{ .Name.Foo }}",
        "{{ .Nope }}",
    ];

    [RequiresGoFact]
    public void Unknown_fields_fail_when_executing_as_in_go() => GoDifferential.AssertTemplatesSameAsGo("exec", Cases);
}
