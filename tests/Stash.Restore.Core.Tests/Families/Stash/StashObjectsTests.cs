using Stash.Restore.Core;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Families.Stash;

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
    [InlineData("apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nspec:\n  target:\n    rules:\n    - paths: /data\n", "wrong type at spec.target.rules[0].paths")]
    [InlineData("apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nspec:\n  runtimeSettings:\n    container:\n      nice:\n        adjustment: high\n", "wrong type at spec.runtimeSettings.container.nice.adjustment")]
    [InlineData("apiVersion: [unclosed\n", "not valid YAML or JSON")]
    [InlineData("- a\n- b\n", "expected a single object")]
    public void Wrong_shapes_are_invalid_input_naming_the_file_and_the_field(string text, string expected)
    {
        var path = Write("bad.yaml", text);
        var e = Assert.Throws<InvalidInputException>(() => StashObjects.ReadRestoreSession(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
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

    [Fact]
    public void Secret_directory_keys_are_files_and_dot_entries_are_skipped()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(dir, "RESTIC_PASSWORD"), "s3cr3t-pass");
        Directory.CreateDirectory(Path.Combine(dir, "..data"));
        File.WriteAllText(Path.Combine(dir, ".hidden"), "x");
        var secret = SecretDirectory.Read(dir);
        Assert.Equal("s3cr3t-pass", Assert.Single(secret).Value);
    }
}
