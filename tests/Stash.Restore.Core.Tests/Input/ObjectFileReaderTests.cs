using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>
/// Reading one object from a file or an API body: a file that cannot be read is a missing dependency, and every
/// problem of a manifest is one exit-2 line that names the source, then each problem (with its line in a file).
/// </summary>
public sealed class ObjectFileReaderTests : IDisposable
{
    private const string Head = "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {name: rs, namespace: demo}\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("object-file-reader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment\n")]
    public void A_file_with_no_object_is_one_empty_document_problem(string text)
    {
        var load = ObjectFileReader.Load(text, StashJsonContext.Default.RestoreSession);

        Assert.Null(load.Value);
        Assert.Equal(["empty document"], load.Problems.Select(p => p.Describe()));
    }

    [Theory]
    [InlineData("- a\n- b\n")]
    [InlineData("just words\n")]
    public void A_list_or_a_plain_value_is_not_an_object(string text)
    {
        var load = ObjectFileReader.Load(text, StashJsonContext.Default.RestoreSession);

        Assert.Null(load.Value);
        Assert.Equal(["expected a single object"], load.Problems.Select(p => p.Describe()));
    }

    [Fact]
    public void A_missing_file_is_a_missing_dependency_naming_what_and_where()
    {
        var path = Path.Combine(_dir, "nope.yaml");

        var error = Assert.Throws<DependencyUnavailableException>(() => ObjectFileReader.Read(path, StashJsonContext.Default.RestoreSession, "RestoreSession"));

        Assert.Equal(ExitCodes.DependencyUnavailable, error.ExitCode);
        Assert.StartsWith($"RestoreSession file '{path}': ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_file_with_misfit_fields_is_invalid_input_naming_each_line()
    {
        var path = Path.Combine(_dir, "rs.yaml");
        File.WriteAllText(path, Head + "spec:\n  target:\n    replicas: two\n  hooks:\n    postRestore: []\n");

        var error = Assert.Throws<InvalidInputException>(() => ObjectFileReader.Read(path, StashJsonContext.Default.RestoreSession, "RestoreSession"));

        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.Equal(
            $"RestoreSession file '{path}' is invalid: {path}:6:5: spec.target.replicas: expected an integer, got a string \"two\"; "
            + $"{path}:8:5: spec.hooks.postRestore: expected an object, got a list",
            error.Message);
    }

    [Fact]
    public void A_body_is_invalid_input_naming_its_source_without_lines()
    {
        var body = """{"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","spec":{"target":{"replicas":"two"}}}""";

        var error = Assert.Throws<InvalidInputException>(() => ObjectFileReader.Parse(body, StashJsonContext.Default.RestoreSession, "RestoreSession demo/rs"));

        Assert.Equal("RestoreSession demo/rs is invalid: spec.target.replicas: expected an integer, got a string \"two\"", error.Message);
    }

    [Fact]
    public void An_empty_body_is_invalid_input()
    {
        var error = Assert.Throws<InvalidInputException>(() => ObjectFileReader.Parse("", StashJsonContext.Default.RestoreSession, "RestoreSession demo/rs"));

        Assert.Equal("RestoreSession demo/rs is invalid: empty document", error.Message);
    }

    [Fact]
    public void A_fitting_object_is_read()
    {
        var session = ObjectFileReader.Parse(Head + "spec:\n  target:\n    replicas: 3\n", StashJsonContext.Default.RestoreSession, "RestoreSession demo/rs");

        Assert.Equal(("rs", "demo", 3), (session.Metadata.Name, session.Metadata.Namespace, session.Spec.Target!.Replicas));
    }
}
