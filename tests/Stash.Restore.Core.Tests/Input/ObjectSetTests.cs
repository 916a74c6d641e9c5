using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

public sealed class ObjectSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("objectset-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static readonly ObjectKey Session = new("stash.appscode.com/v1beta1", "RestoreSession", "demo", "rs");

    [Fact]
    public void Multi_document_YAML_and_a_JSON_List_from_several_files_are_indexed()
    {
        var yaml = Write("a.yaml", """
            # a comment before the first document
            ---
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata:
              name: rs
            spec:
              repository: {name: repo}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds, namespace: demo}
            stringData:
              RESTIC_PASSWORD: "pw from stringData"
            ...
            """);
        var json = Write("b.json", """
            {"apiVersion":"v1","kind":"List","items":[
              {"apiVersion":"stash.appscode.com/v1alpha1","kind":"Repository","metadata":{"name":"repo","namespace":"demo"}},
              {"apiVersion":"v1","kind":"Secret","metadata":{"name":"other","namespace":"prod"},"data":{"K":"dmFsdWU="}}
            ]}
            """);

        var set = ObjectSet.Read([yaml, json], "demo");

        Assert.Equal(
            ["RestoreSession demo/rs", "Secret demo/creds", "Repository demo/repo", "Secret prod/other"],
            set.Keys.Select(k => k.ToString()));
        Assert.Equal("repo", set.Get(Session, StashJsonContext.Default.RestoreSession).Spec.Repository!.Name);
        Assert.Equal("demo", set.Get(Session, StashJsonContext.Default.RestoreSession).Metadata.Namespace);
        Assert.Equal("pw from stringData", set.Secret("demo", "creds")["RESTIC_PASSWORD"]);
        Assert.Equal("value", set.Secret("prod", "other")["K"]);
        Assert.Single(set.OfKind("v1", "Secret", "prod"));
    }

    [Fact]
    public void A_YAML_List_as_kubectl_get_prints_it_is_flattened()
    {
        var set = new ObjectSet();
        set.Add("""
            apiVersion: v1
            items:
            - apiVersion: v1
              kind: Secret
              metadata: {name: s1, namespace: demo}
              data: {A: YQ==}
            - apiVersion: v1
              kind: Secret
              metadata: {name: s2, namespace: demo}
              data: {B: Yg==}
              stringData: {B: override}
            kind: List
            metadata:
              resourceVersion: ""
            """, "list.yaml", "demo");

        Assert.Equal("a", set.Secret("demo", "s1")["A"]);
        Assert.Equal("override", set.Secret("demo", "s2")["B"]);
    }

    [Fact]
    public void Concatenated_JSON_objects_read_as_documents()
    {
        var set = new ObjectSet();
        set.Add("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"a"}} {"apiVersion":"v1","kind":"Secret","metadata":{"name":"b"}}""", "x.json", "ns");

        Assert.Equal(["Secret ns/a", "Secret ns/b"], set.Keys.Select(k => k.ToString()));
    }

    [Fact]
    public void A_missing_object_is_a_missing_dependency_naming_it()
    {
        var set = new ObjectSet();

        var error = Assert.Throws<DependencyUnavailableException>(() => set.Secret("demo", "encrypt-secret"));

        Assert.Equal("Secret demo/encrypt-secret not found in the --objects files", error.Message);
        Assert.Equal(ExitCodes.DependencyUnavailable, error.ExitCode);
    }

    [Fact]
    public void Bad_base64_names_the_key_and_never_the_value()
    {
        var set = new ObjectSet();
        set.Add("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {RESTIC_PASSWORD: \"not-base64-hunter2!\"}", "s.yaml", "demo");

        var error = Assert.Throws<InvalidInputException>(() => set.Secret("demo", "s"));

        Assert.Equal("Secret demo/s: data.RESTIC_PASSWORD is not valid base64", error.Message);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_object_twice_is_refused_naming_both_places()
    {
        var first = Write("one.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: demo}");
        var second = Write("two.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}");

        var error = Assert.Throws<InvalidInputException>(() => ObjectSet.Read([first, second], "demo"));

        Assert.Equal($"objects file '{second}': Secret demo/s is also in objects file '{first}'; give each object once", error.Message);
    }

    [Theory]
    [InlineData("kind: Secret\nmetadata: {name: s}", "x.yaml: every object needs apiVersion, kind and metadata.name (got apiVersion <none> kind Secret name s)")]
    [InlineData("- a\n- b", "x.yaml: expected a Kubernetes object, got array")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: [", "x.yaml: not valid YAML or JSON: ")]
    public void Unusable_documents_are_invalid_input_naming_the_file(string text, string expectedStart)
    {
        var error = Assert.Throws<InvalidInputException>(() => new ObjectSet().Add(text, "x.yaml", "demo"));

        Assert.StartsWith(expectedStart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_missing_dependency()
    {
        var error = Assert.Throws<DependencyUnavailableException>(() => ObjectSet.Read([Path.Combine(_dir, "nope.yaml")], "demo"));

        Assert.StartsWith($"objects file '{Path.Combine(_dir, "nope.yaml")}': ", error.Message, StringComparison.Ordinal);
    }
}
