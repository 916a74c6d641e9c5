namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary><c>toJson</c> and <c>toPrettyJson</c> against Go's encoding/json: key order, escaping, floats, nil, indentation.</summary>
public sealed class GoJsonTests
{
    private static readonly string[] Cases =
    [
        "{{ toJson . }}|{{ toJson .Status }}|{{ toJson \"<tag> & \\u2028 \\t\\u0001\" }}|{{ toJson 1e21 }}|{{ toJson 0.000001 }}|{{ toJson 1e-7 }}|{{ toJson -0.5 }}",
        "{{ toPrettyJson . }}|{{ toPrettyJson (dict) }}|{{ toPrettyJson (list) }}|{{ toPrettyJson (dict \"a\" (list 1 (dict \"b\" nil))) }}",
    ];

    [RequiresGoFact]
    public void ToJson_and_toPrettyJson_write_the_same_bytes_as_go() => GoDifferential.AssertTemplatesSameAsGo("json", Cases);
}
