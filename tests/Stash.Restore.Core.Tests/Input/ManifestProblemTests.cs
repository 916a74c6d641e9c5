using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>How one manifest problem reads in an error: <c>file:line:column: place: text</c> when known, joined with <c>; </c>.</summary>
public sealed class ManifestProblemTests
{
    private static readonly ManifestProblem Replicas = new("spec.target.replicas", "expected an integer, got a string \"two\"", new SourcePosition(6, 5));
    private static readonly ManifestProblem Syntax = new(null, "did not find expected key", new SourcePosition(2, 1));
    private static readonly ManifestProblem WrongKind = new(null, "expected a single object");
    private static readonly ManifestProblem Hooks = new("spec.hooks.postRestore", "expected an object, got a list", new SourcePosition(12, 5));

    [Fact]
    public void A_problem_names_its_place_before_what_is_wrong() =>
        Assert.Equal("spec.target.replicas: expected an integer, got a string \"two\"", Replicas.Describe());

    [Fact]
    public void A_whole_document_problem_is_its_text_alone() =>
        Assert.Equal("expected a single object", WrongKind.Describe());

    [Fact]
    public void In_a_file_a_problem_starts_with_file_line_and_column() =>
        Assert.Equal("rs.yaml:6:5: spec.target.replicas: expected an integer, got a string \"two\"", Replicas.Render("rs.yaml"));

    [Fact]
    public void Without_a_file_or_a_position_no_location_is_shown()
    {
        Assert.Equal("spec.target.replicas: expected an integer, got a string \"two\"", Replicas.Render(null));
        Assert.Equal("expected a single object", WrongKind.Render("rs.yaml"));
    }

    [Fact]
    public void Problems_are_joined_on_one_line_in_file_order_those_without_a_position_first()
    {
        var ordered = ManifestProblem.InFileOrder([Hooks, Replicas, WrongKind, Syntax]);

        Assert.Equal(
            "expected a single object; rs.yaml:2:1: did not find expected key; "
            + "rs.yaml:6:5: spec.target.replicas: expected an integer, got a string \"two\"; "
            + "rs.yaml:12:5: spec.hooks.postRestore: expected an object, got a list",
            ManifestProblem.Join(ordered, "rs.yaml"));
    }

    [Fact]
    public void Problems_on_one_line_keep_column_order_and_ties_keep_their_order()
    {
        var first = new ManifestProblem("a", "first", new SourcePosition(3, 9));
        var second = new ManifestProblem("b", "second", new SourcePosition(3, 9));
        var left = new ManifestProblem("c", "left", new SourcePosition(3, 1));

        Assert.Equal(["left", "first", "second"], ManifestProblem.InFileOrder([first, second, left]).Select(p => p.Text));
    }
}
