using Stash.Restore.Core;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Families.Stash;

internal static class JsonPlaces
{
    /// <summary>The node at a <see cref="ManifestPath"/> place of plain names and indexes.</summary>
    public static System.Text.Json.Nodes.JsonNode? SelectNode(this System.Text.Json.Nodes.JsonNode root, string place)
    {
        System.Text.Json.Nodes.JsonNode? node = root;
        foreach (System.Text.RegularExpressions.Match step in System.Text.RegularExpressions.Regex.Matches(place, @"[^.\[\]]+|\[(\d+)\]"))
            node = step.Groups[1].Success ? node?[int.Parse(step.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)] : node?[step.Value];
        return node;
    }
}

public sealed class StashObjectsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stash-objects-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string SeedStyleSession = """
        apiVersion: stash.appscode.com/v1beta1
        kind: RestoreSession
        metadata:
          name: statefulset-restore
          namespace: demo
        spec:
          driver: Restic
          repository:
            name: local-repo
          target:
            alias: my-sts
            ref:
              apiVersion: apps/v1
              kind: StatefulSet
              name: recovered-statefulset
          rules:
          - targetHosts: ["my-sts-3","my-sts-4"]
            sourceHost: "my-sts-1"
            paths:
            - /source/data
            include:
            - /source/data/*.json
          - targetHosts: []
            sourceHost: ""
            paths:
            - /source/data
            exclude:
            - /source/data/tmp.json
          hooks:
            postRestore:
              exec:
                command: ["/bin/sh", "-c", "echo done"]
              executionPolicy: OnSuccess
            preRestore:
              httpGet:
                port: 8080
                path: /ready
          runtimeSettings:
            container:
              ionice:
                class: 2
                classData: 4
              nice:
                adjustment: 5
          tempDir:
            disableCaching: false
          timeOut: 30m
        status:
          totalHosts: 5
          stats:
          - duration: 884.431745ms
            hostname: host-1
            phase: Succeeded
        """;

    [Fact]
    public void Reads_a_seed_style_yaml_session_and_moves_top_level_rules_into_the_target()
    {
        var session = StashObjects.ReadRestoreSession(Write("rs.yaml", SeedStyleSession));
        Assert.Null(session.Spec.Rules);
        var rules = session.Spec.Target!.Rules!;
        Assert.Equal(2, rules.Count);
        Assert.Equal(["my-sts-3", "my-sts-4"], rules[0].TargetHosts);
        Assert.Equal(["/source/data/*.json"], rules[0].Include);
        Assert.Equal("my-sts", session.Spec.Target.Alias);
        Assert.Equal(5, session.Spec.RuntimeSettings!.Container!.Nice!.Adjustment);
        Assert.Equal(4, session.Spec.RuntimeSettings.Container.Ionice!.ClassData);
        Assert.Equal(IntOrString.FromNumber(8080), session.Spec.Hooks!.PreRestore!.HttpGet!.Port);
        Assert.Equal("OnSuccess", session.Spec.Hooks.PostRestore!.ExecutionPolicy);
        Assert.Equal("884.431745ms", session.Status!.Stats![0].Duration);
        Assert.Equal("30m", session.Spec.TimeOut);
    }

    [Fact]
    public void Reads_json_too_and_named_ports()
    {
        var path = Write("rs.json", """
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"x","namespace":"demo"},
             "spec":{"target":{"rules":[{"paths":["/d"]}]},"hooks":{"preRestore":{"tcpSocket":{"port":"db"}}}}}
            """);
        var session = StashObjects.ReadRestoreSession(path);
        Assert.Equal(IntOrString.FromName("db"), session.Spec.Hooks!.PreRestore!.TcpSocket!.Port);
    }

    [Fact]
    public void Both_rule_places_set_is_rejected()
    {
        var text = SeedStyleSession.Replace("  target:\n    alias: my-sts", "  target:\n    rules:\n    - paths: [/x]\n    alias: my-sts");
        var e = Assert.Throws<InvalidInputException>(() => StashObjects.ReadRestoreSession(Write("both.yaml", text)));
        Assert.Contains("both spec.rules and spec.target.rules", e.Message);
    }

    [Theory]
    [InlineData("apiVersion: stash.appscode.com/v1alpha1\nkind: RestoreSession\nmetadata: {name: x}\n", "expected apiVersion stash.appscode.com/v1beta1 kind RestoreSession, got apiVersion stash.appscode.com/v1alpha1 kind RestoreSession")]
    [InlineData("apiVersion: stash.appscode.com/v1beta1\nkind: BackupSession\nmetadata: {name: x}\n", "kind BackupSession")]
    [InlineData("apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nspec:\n  target:\n    rules:\n    - paths: /data\n", "bad.yaml:6:7: spec.target.rules[0].paths: expected a list, got a string \"/data\"")]
    [InlineData("apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nspec:\n  runtimeSettings:\n    container:\n      nice:\n        adjustment: high\n", "bad.yaml:7:9: spec.runtimeSettings.container.nice.adjustment: expected an integer, got a string \"high\"")]
    [InlineData("apiVersion: [unclosed\n", "bad.yaml:2:1: ")]
    [InlineData("- a\n- b\n", "expected a single object")]
    public void Wrong_shapes_are_invalid_input_naming_the_file_and_the_field(string text, string expected)
    {
        var path = Write("bad.yaml", text);
        var e = Assert.Throws<InvalidInputException>(() => StashObjects.ReadRestoreSession(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain("Stash.Restore", e.Message);
    }

    [Fact]
    public void Restore_lists_every_type_problem_and_the_rule_problems_of_the_fields_that_fit_on_one_line()
    {
        var path = Write("rs.yaml", """
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {name: rs, namespace: demo}
            spec:
              target:
                replicas: two
                rules:
                - paths: /data
                - targetHosts: [host-1]
                  paths: [relative]
              hooks:
                postRestore:
                - exec: {command: [echo]}
            """);
        var e = Assert.Throws<InvalidInputException>(() => StashObjects.ReadRestoreSession(path));
        Assert.Equal(
            $"RestoreSession file '{path}' is invalid: {path}:6:5: spec.target.replicas: expected an integer, got a string \"two\"; "
            + $"{path}:8:7: spec.target.rules[0].paths: expected a list, got a string \"/data\"; "
            + $"{path}:10:15: spec.target.rules[1].paths[0]: \"relative\" is not an absolute path; "
            + $"{path}:12:5: spec.hooks.postRestore: expected an object, got a list",
            e.Message);
    }

    [Fact]
    public void Any_field_of_a_real_session_given_any_other_shape_is_reported_never_a_crash_or_a_dotnet_name()
    {
        var original = (System.Text.Json.Nodes.JsonObject)YamlToJson.Convert(SeedStyleSession)!;
        var places = new List<string>();
        Collect(original, "", places);
        System.Text.Json.Nodes.JsonNode?[] shapes = [new System.Text.Json.Nodes.JsonArray(1), new System.Text.Json.Nodes.JsonObject(), "two\nlines", 2.5, 7, true, null];
        var checkedCount = 0;
        foreach (var place in places.Where(p => p is not "apiVersion" and not "kind"))
        {
            foreach (var shape in shapes)
            {
                var mutated = original.DeepClone().AsObject();
                Replace(mutated, place, shape?.DeepClone());
                var body = mutated.ToJsonString();
                var problems = StashObjects.ValidateRestoreSessionFile(Write("mutated.json", body));
                checkedCount++;
                Assert.All(problems, p =>
                {
                    Assert.DoesNotContain("Stash.Restore", p.Describe());
                    Assert.DoesNotContain("System.", p.Describe());
                    Assert.DoesNotContain('\n', p.Describe());
                });
                // A list or an object where a scalar was is always wrong, and named at its place.
                if (shape is System.Text.Json.Nodes.JsonArray or System.Text.Json.Nodes.JsonObject && original.SelectNode(place) is System.Text.Json.Nodes.JsonValue)
                    Assert.Contains(problems, p => p.Path == place);
            }
        }
        Assert.True(checkedCount > 200, $"only {checkedCount} mutations");

        static void Collect(System.Text.Json.Nodes.JsonNode? node, string path, List<string> places)
        {
            if (path.Length > 0)
                places.Add(path);
            if (node is System.Text.Json.Nodes.JsonObject obj)
                foreach (var (key, child) in obj)
                    Collect(child, ManifestPath.Property(path, key), places);
            else if (node is System.Text.Json.Nodes.JsonArray array)
                for (var i = 0; i < array.Count; i++)
                    Collect(array[i], ManifestPath.Index(path, i), places);
        }

        static void Replace(System.Text.Json.Nodes.JsonObject root, string place, System.Text.Json.Nodes.JsonNode? value)
        {
            var cut = Math.Max(place.LastIndexOf('.'), place.LastIndexOf('['));
            var parent = cut < 0 ? root : root.SelectNode(place[..cut])!;
            if (parent is System.Text.Json.Nodes.JsonArray array)
                array[int.Parse(place[(cut + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
            else
                parent.AsObject()[cut < 0 ? place : place[(cut + 1)..]] = value;
        }
    }

    [Fact]
    public void An_api_body_with_wrong_types_lists_every_problem_without_lines()
    {
        var body = """
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"rs","namespace":"demo"},
             "spec":{"target":{"replicas":"two","rules":[{"paths":["/data"]}]},"hooks":{"postRestore":[]}}}
            """;
        var e = Assert.Throws<InvalidInputException>(() => StashObjects.AcceptRestoreSession(body, "RestoreSession demo/rs"));
        Assert.Equal(
            "RestoreSession demo/rs is invalid: spec.target.replicas: expected an integer, got a string \"two\"; spec.hooks.postRestore: expected an object, got a list",
            e.Message);
    }

    [Fact]
    public void Validation_names_older_top_level_rules_where_they_are_written_and_their_lines()
    {
        var problems = StashObjects.ValidateRestoreSessionFile(Write("old.yaml", """
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {name: rs, namespace: demo}
            spec:
              rules:
              - paths: [/data]
              - targetHosts: []
                snapshots: [abc]
            """));
        var problem = Assert.Single(problems);
        Assert.Equal("spec.rules[1]: a second rule with empty targetHosts; rules[0] already applies to every other host", problem.Describe());
        Assert.Equal(new SourcePosition(7, 5), problem.Position);
    }

    [Fact]
    public void A_session_without_metadata_or_spec_is_reported_not_a_crash()
    {
        var problems = StashObjects.ValidateRestoreSessionFile(Write("bare.yaml", "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\n"));
        Assert.Equal(["metadata.name is empty"], problems.Select(p => p.Describe()));
    }

    [Fact]
    public void Missing_file_is_a_missing_dependency()
    {
        var e = Assert.Throws<DependencyUnavailableException>(() => StashObjects.ReadRestoreSession(Path.Combine(_dir, "nope.yaml")));
        Assert.Equal(ExitCodes.DependencyUnavailable, e.ExitCode);
    }

    [Fact]
    public void Repository_with_local_backend_is_read()
    {
        var repo = StashObjects.ReadRepository(Write("repo.yaml", """
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {name: local-repo, namespace: demo}
            spec:
              backend:
                local:
                  mountPath: /safe/data
                  subPath: repo
                  hostPath: {path: /data/stash-test}
                storageSecretName: local-secret
            """));
        Assert.Equal(("/safe/data", "repo", "local-secret"), (repo.Spec.Backend!.Local!.MountPath, repo.Spec.Backend.Local.SubPath, repo.Spec.Backend.StorageSecretName));
    }
}
