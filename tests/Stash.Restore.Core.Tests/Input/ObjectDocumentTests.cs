using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>Parsing a manifest's text (YAML or JSON): a syntax error is one problem at its line and column, in the user's terms.</summary>
public sealed class ObjectDocumentTests
{
    private const string Head = "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {name: rs, namespace: demo}\n";

    private static ManifestProblem SyntaxError(string text)
    {
        var (document, syntaxError) = ObjectDocument.Parse(text);
        Assert.Null(document);
        return Assert.IsType<ManifestProblem>(syntaxError);
    }

    [Fact]
    public void Yaml_syntax_errors_give_line_and_column_without_yamldotnet_position_noise()
    {
        var problem = SyntaxError(Head + "spec:\n  target:\n    rules: [a, b\n");
        Assert.Null(problem.Path);
        Assert.Equal(new SourcePosition(7, 1), problem.Position);
        Assert.DoesNotContain("Line:", problem.Text);
        Assert.StartsWith("rs.yaml:7:1: ", problem.Render("rs.yaml"));
    }

    [Fact]
    public void A_flattened_manifest_with_lost_indentation_is_a_duplicate_key_at_its_line()
    {
        var problem = SyntaxError("apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata:\nname: a\nspec:\nname: b\n");
        Assert.Equal(new SourcePosition(6, 1), problem.Position);
        Assert.Contains("duplicate key", problem.Text);
    }

    [Fact]
    public void Json_syntax_errors_give_line_and_column()
    {
        var problem = SyntaxError("{\"apiVersion\": \"v1\",\n \"kind\": }");
        Assert.Equal(new SourcePosition(2, 10), problem.Position);
        Assert.StartsWith("not valid JSON: ", problem.Text);
        Assert.DoesNotContain("LineNumber", problem.Text);
    }
}
