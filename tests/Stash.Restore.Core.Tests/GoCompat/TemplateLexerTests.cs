namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>Templates whose text cannot be split into tokens fail to parse in both, with Go's message: unclosed actions, quotes, comments and parens, bad numbers and characters.</summary>
public sealed class TemplateLexerTests
{
    private static readonly string[] Templates =
    [
        "{{ .Name ",
        "{{ \"unterminated }}",
        "{{ (1 }}",
        "{{ 1) }}",
        "{{/* unclosed comment }}",
        "{{ 1.2.3 }}",
        "{{ @ }}",
    ];

    [RequiresGoFact]
    public void Lexing_errors_fail_to_parse_with_gos_message() => GoDifferential.AssertParseErrorsSameAsGo("lex", Templates);
}
