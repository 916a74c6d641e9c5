using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>
/// The shape check behind every object read: every misfit field named by its place and the
/// expected shape in the manifest's terms, with its line when the text was YAML.
/// </summary>
public sealed class ShapeCheckerTests
{
    private const string Head = "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {name: rs, namespace: demo}\n";

    private static IReadOnlyList<ManifestProblem> Problems(string text) =>
        ObjectFileReader.Load(text, StashJsonContext.Default.RestoreSession, StashObjects.RestoreSessionType).Problems;

    private static List<string> Lines(string text) => [.. Problems(text).Select(p => p.Render("rs.yaml"))];

    [Fact]
    public void A_list_where_a_hook_object_belongs_is_named_with_its_line()
    {
        var lines = Lines(Head + "spec:\n  hooks:\n    postRestore:\n    - exec: {command: [echo]}\n");
        Assert.Equal(["rs.yaml:6:5: spec.hooks.postRestore: expected an object, got a list"], lines);
    }

    [Fact]
    public void A_word_where_an_integer_belongs_quotes_the_word()
    {
        var lines = Lines(Head + "spec:\n  target:\n    replicas: two\n");
        Assert.Equal(["rs.yaml:6:5: spec.target.replicas: expected an integer, got a string \"two\""], lines);
    }

    [Fact]
    public void Every_misfit_in_a_file_is_reported_in_document_order()
    {
        var text = Head + """
            spec:
              target:
                replicas: 2.5
                rules:
                - paths: /data
                - targetHosts: [host-0, [nested]]
                  paths: [/ok]
              hooks:
                preRestore:
                  httpGet: {port: [80]}
                  exec: {command: echo}
              runtimeSettings:
                container:
                  nice: {adjustment: high}
                  ionice: {class: 3000000000}
              tempDir: {disableCaching: "yes"}
            status:
              stats: [{hostname: host-0, phase: Succeeded, duration: 5}]
            """;
        var descriptions = Problems(text).Select(p => p.Describe()).ToList();
        Assert.Equal(
        [
            "spec.target.replicas: expected an integer, got a number 2.5",
            "spec.target.rules[0].paths: expected a list, got a string \"/data\"",
            "spec.target.rules[1].targetHosts[1]: expected a string, got a list",
            "spec.hooks.preRestore.httpGet.port: expected an integer or a string, got a list",
            "spec.hooks.preRestore.exec.command: expected a list, got a string \"echo\"",
            "spec.runtimeSettings.container.nice.adjustment: expected an integer, got a string \"high\"",
            "spec.runtimeSettings.container.ionice.class: expected an integer, got a number 3000000000 (out of range)",
            "spec.tempDir.disableCaching: expected a boolean (true or false), got a string \"yes\"",
            "status.stats[0].duration: expected a string, got a number 5",
        ], descriptions);
        Assert.All(Problems(text), p => Assert.NotNull(p.Position));
    }

    [Fact]
    public void Unknown_fields_and_nulls_of_optional_fields_are_fine()
    {
        var text = Head + """
            spec:
              driver: ~
              task: {name: pvc-restore, params: [{name: a, value: b}]}
              target:
                ref: null
                rules:
                - paths: [/data]
                  somethingNew: {x: 1}
              runtimeSettings:
                pod: {serviceAccountName: sa, tolerations: [{key: k}]}
              tempDir: {medium: Memory, sizeLimit: 2Gi}
            """;
        Assert.Empty(Problems(text));
    }

    [Fact]
    public void Null_list_items_and_a_null_spec_are_problems_because_the_model_cannot_hold_them()
    {
        var descriptions = Problems(Head + "spec:\n  target:\n    rules:\n    - paths: [~]\n").Select(p => p.Describe());
        Assert.Equal(["spec.target.rules[0].paths[0]: expected a string, got null"], descriptions);
        Assert.Equal(["spec: expected an object, got null"], Problems(Head + "spec:\n").Select(p => p.Describe()));
    }

    [Fact]
    public void Named_and_numbered_ports_fit_int_or_string()
    {
        Assert.Empty(Problems(Head + "spec:\n  hooks:\n    preRestore: {tcpSocket: {port: db}}\n    postRestore: {httpGet: {port: 8080}}\n"));
        Assert.Equal(["spec.hooks.preRestore.tcpSocket.port: expected an integer or a string, got a number 80.5"],
            Problems(Head + "spec:\n  hooks:\n    preRestore: {tcpSocket: {port: 80.5}}\n").Select(p => p.Describe()));
    }

    [Fact]
    public void A_multi_line_value_is_quoted_as_its_first_line()
    {
        var descriptions = Problems(Head + "spec:\n  target:\n    replicas: |\n      first line\n      second line\n").Select(p => p.Describe());
        Assert.Equal(["spec.target.replicas: expected an integer, got a string \"first line…\""], descriptions);
    }

    [Fact]
    public void Json_bodies_are_checked_the_same_way_without_lines()
    {
        var problems = Problems("""
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"x"},
             "spec":{"hooks":{"postRestore":[]},"target":{"replicas":"two"}}}
            """);
        Assert.Equal(
            ["spec.target.replicas: expected an integer, got a string \"two\"", "spec.hooks.postRestore: expected an object, got a list"],
            // No lines in JSON: the model's field order.
            problems.Select(p => p.Render("x.json")));
    }
}
