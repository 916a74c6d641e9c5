using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>Runs a test only when ../shared/seeds (Stash's and KubeStash's documented manifests) exists; says so when not.</summary>
public sealed class RequiresSeedsFactAttribute : FactAttribute
{
    public RequiresSeedsFactAttribute()
    {
        if (Seeds.Directory is null)
            Skip = "skipped: ../shared/seeds not found (walked up from the test binary to StashRestore.slnx); the documented manifests are checked from there";
    }
}

/// <summary>The documentation pages in ../shared/seeds, and the manifests they show.</summary>
internal static class Seeds
{
    public static string? Directory { get; } = Find();

    /// <summary>The text of the seed whose file name starts with <paramref name="prefix"/>.</summary>
    public static string Text(string prefix) =>
        File.ReadAllText(System.IO.Directory.EnumerateFiles(Directory!, prefix + "*").Single());

    /// <summary>The first fenced <c>```yaml</c> block of a Markdown page.</summary>
    public static string FencedYaml(string page)
    {
        var start = page.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        return page[start..page.IndexOf("\n```", start, StringComparison.Ordinal)] + "\n";
    }

    private static string? Find() => RepositoryRoot.Shared("seeds");
}

/// <summary>
/// <c>validate</c> and <c>restore</c> as a user sees them on a broken manifest: every problem, each
/// with its place (and line), in the manifest's terms; exit 2; restic never started.
/// </summary>
public sealed class ValidationMessagesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("validation-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string SeveralProblems = """
        apiVersion: stash.appscode.com/v1beta1
        kind: RestoreSession
        metadata:
          name: broken
          namespace: demo
        spec:
          repository:
            name: local-repo
          target:
            replicas: two
            rules:
            - paths: [/data]
            - targetHosts: [host-1]
              paths: [data]
          hooks:
            postRestore:
            - exec:
                command: [echo, done]
            preRestore:
              httpGet: {port: 8080}
          tempDir:
            disableCaching: |
              false
              really
          runtimeSettings:
            container:
              nice: {adjustment: 5}
              ionice: {class: best-effort}
        """;

    [Fact]
    public async Task Validate_names_every_problem_of_a_file_at_its_line_in_the_manifests_terms()
    {
        var file = Write("broken.yaml", SeveralProblems);

        var result = await CliHarness.RunAsync("validate", "-f", file);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            $"{file}:10:5: spec.target.replicas: expected an integer, got a string \"two\"",
            $"{file}:14:15: spec.target.rules[1].paths[0]: \"data\" is not an absolute path",
            $"{file}:16:5: spec.hooks.postRestore: expected an object, got a list",
            $"{file}:22:5: spec.tempDir.disableCaching: expected a boolean (true or false), got a string \"false…\"",
            $"{file}:28:16: spec.runtimeSettings.container.ionice.class: expected an integer, got a string \"best-effort\"",
            "0 valid, 1 invalid",
        ], lines);
        Assert.DoesNotContain("Stash.Restore", result.Output);
    }

    [Fact]
    public async Task Restore_of_that_file_exits_2_listing_every_problem_on_one_line_and_never_starts_restic()
    {
        var session = Write("broken.yaml", SeveralProblems);
        var repository = Write("repo.yaml", """
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {name: local-repo, namespace: demo}
            spec:
              backend:
                local: {mountPath: /nonexistent/repo}
            """);
        var secrets = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(secrets, "RESTIC_PASSWORD"), "pw-never-used");
        var scratch = Path.Combine(_dir, "scratch");
        var status = Path.Combine(_dir, "status.json");

        var result = await CliHarness.RunAsync("restore", "--restoresession-file", session, "--repository-file", repository,
            "--secret-dir", secrets, "--host", "host-0", "--target-dir", Path.Combine(_dir, "target"),
            "--scratch-dir", scratch, "--status-file", status, "--log-format", "text");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        var line = Assert.Single((result.Output + result.Error).Split('\n'), l => l.Contains("is invalid"));
        Assert.Contains($"RestoreSession file '{session}' is invalid: {session}:10:5: spec.target.replicas: expected an integer, got a string \"two\"; ", line);
        Assert.Contains($"; {session}:14:15: spec.target.rules[1].paths[0]: \"data\" is not an absolute path; ", line);
        Assert.Contains($"; {session}:16:5: spec.hooks.postRestore: expected an object, got a list; ", line);
        Assert.EndsWith($"{session}:28:16: spec.runtimeSettings.container.ionice.class: expected an integer, got a string \"best-effort\"", line.TrimEnd());
        // Nothing ran: no scratch folder for restic, no status entry, nothing restored.
        Assert.False(Directory.Exists(scratch), result.ToString());
        Assert.False(File.Exists(status), result.ToString());
        Assert.False(Directory.Exists(Path.Combine(_dir, "target")), result.ToString());
    }

    [Fact]
    public async Task A_yaml_syntax_error_is_file_line_column_and_the_parsers_message_alone()
    {
        var file = Write("syntax.yaml", "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nspec:\n  target:\n    rules: [a, b\n");
        var unclosed = Write("unclosed.yaml", "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nspec:\n  target:\n    rules: [{paths: [/a]}\n  hooks: {}\n");

        var result = await CliHarness.RunAsync("validate", "-f", file, "-f", unclosed);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        var lines = result.Output.Split('\n');
        Assert.Equal($"{file}:6:1: While parsing a flow sequence, did not find expected ',' or ']'.", lines[0]);
        // YamlDotNet gives no position for this one; the place its parser last reached is the unclosed "[".
        Assert.Equal($"{unclosed}:5:12: not valid YAML after this point; is a [ or {{ left unclosed?", lines[1]);
    }

    [Fact]
    public async Task A_kubestash_session_is_named_as_one_and_not_as_stash_type_errors()
    {
        var file = Write("kubestash.yaml", """
            apiVersion: core.kubestash.com/v1alpha1
            kind: RestoreSession
            metadata: {name: sample-restore, namespace: demo}
            spec:
              dataSource: {repository: gcs-demo-repo, snapshot: latest, components: [pod-0]}
              target: {apiGroup: apps, kind: StatefulSet, name: restore-sts}
              hooks: {postRestore: [{name: notify}]}
            """);

        var validate = await CliHarness.RunAsync("validate", "-f", file);
        var restore = await CliHarness.RunAsync("restore", "--restoresession-file", file, "--repository-file", file, "--secret-dir", _dir, "--dry-run");

        // validate reads it by KubeStash's rules (this one lacks the addon); restore's Stash file flags point to --objects.
        Assert.Equal(ExitCodes.InvalidInput, validate.ExitCode);
        Assert.Equal($"{file}: spec.addon.name: is required (the addon names the restore task)", validate.Output.Split('\n')[0]);
        Assert.DoesNotContain("expected an object", validate.Output);
        Assert.Equal(ExitCodes.InvalidInput, restore.ExitCode);
        Assert.Contains("this is a KubeStash RestoreSession (core.kubestash.com/v1alpha1), not a Stash RestoreSession (stash.appscode.com/v1beta1); pass KubeStash objects with --objects", restore.Output + restore.Error);
    }

    [RequiresSeedsFact]
    public async Task Stashs_and_kubestashs_documented_sessions_both_validate()
    {
        var stash = Write("stash-0.8.3.yaml", Seeds.FencedYaml(Seeds.Text("000_")));
        var kubeStash = Write("kubestash.yaml", Seeds.FencedYaml(Seeds.Text("002_")));

        var result = await CliHarness.RunAsync("validate", "-f", stash, "-f", kubeStash);

        Assert.Contains($"{stash}: valid", result.Output);
        // The family is the file's apiVersion: KubeStash's documented session validates by KubeStash's rules.
        Assert.Contains($"{kubeStash}: valid", result.Output);
        Assert.Contains("2 valid, 0 invalid", result.Output);
    }

    [RequiresSeedsFact]
    public async Task Stashs_later_documented_session_validates_once_the_crd_schema_gives_its_indentation_back()
    {
        var page = Seeds.Text("001_");
        var start = page.IndexOf("apiVersion: stash.appscode.com/v1beta1", StringComparison.Ordinal);
        var lines = page[start..page.IndexOf("\nHere, we are going", start, StringComparison.Ordinal)].Split('\n');
        var crd = (System.Text.Json.Nodes.JsonObject)Stash.Restore.Core.Input.YamlToJson.Convert(
            File.ReadAllText(Path.Combine(Seeds.Directory!, "..", "crds", "stash", "stash.appscode.com_restoresessions.yaml")))!;
        var schema = crd["spec"]!["versions"]!.AsArray().Single(v => (string?)v!["name"] == "v1beta1")!["schema"]!["openAPIV3Schema"]!.AsObject();
        var file = Write("stash-0.9.yaml", SchemaIndenter.Reindent(lines, schema));

        var result = await CliHarness.RunAsync("validate", "-f", file);

        Assert.True(result.ExitCode == ExitCodes.Success, result + "\n--- reindented\n" + File.ReadAllText(file));
        // What the page shows is what was read: the newer target.rules with include/exclude, hooks in the init-container.
        var session = Stash.Restore.Core.Families.Stash.StashObjects.ReadRestoreSession(file);
        Assert.Equal("my-sts", session.Spec.Target!.Alias);
        Assert.Equal(["my-sts-3", "my-sts-4"], session.Spec.Target.Rules![0].TargetHosts);
        Assert.Equal(["/source/data/tmp.json", "/source/data/*.txt"], session.Spec.Target.Rules[1].Exclude);
        Assert.Equal("stash-init", session.Spec.Hooks!.PostRestore!.ContainerName);
        Assert.Equal(4, session.Spec.RuntimeSettings!.Container!.Ionice!.ClassData);
        Assert.Equal(5, session.Status!.Stats!.Count);
    }

    [RequiresSeedsFact]
    public async Task The_html_rendered_seed_whose_indentation_was_lost_is_one_duplicate_key_at_its_line()
    {
        // Seed 001 is Stash's page as rendered text: the manifest's lines are there, their indentation is not.
        var page = Seeds.Text("001_");
        var start = page.IndexOf("apiVersion: stash.appscode.com/v1beta1", StringComparison.Ordinal);
        var flattened = Write("flattened.yaml", page[start..page.IndexOf("\nHere, we are going", start, StringComparison.Ordinal)] + "\n");

        var result = await CliHarness.RunAsync("validate", "-f", flattened);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Equal($"{flattened}:9:1: duplicate key \"name\": a field appears twice in one mapping (was indentation lost?)", result.Output.Split('\n')[0]);
    }
}
