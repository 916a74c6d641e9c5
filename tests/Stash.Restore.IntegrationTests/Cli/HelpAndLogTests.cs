using System.Text.Json.Nodes;
using Stash.Restore.Core;

namespace Stash.Restore.IntegrationTests.Cli;

public sealed class HelpAndLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("help-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Json_logs_are_one_object_per_line_with_namespace_session_and_host_and_no_secret()
    {
        const string password = "pa55-word-never-printed";
        var session = Path.Combine(_dir, "rs.yaml");
        File.WriteAllText(session, "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {name: rs, namespace: demo}\nspec:\n  target:\n    rules:\n    - paths: [/data]\n");
        var repository = Path.Combine(_dir, "repo.yaml");
        // No repository at that path: restic fails at once (exit 10) and names the path, which contains the
        // password, so restic really echoes the secret and the "no secret" assertion can fail.
        File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: r}}\nspec:\n  backend:\n    local:\n      mountPath: {Path.Combine(_dir, "no-repo-" + password)}\n");
        var secret = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), password);

        var result = await CliHarness.RunAsync("restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
            "--host", "host-0", "--target-dir", Path.Combine(_dir, "t"), "--scratch-dir", Path.Combine(_dir, "s"), "--log-format", "json");

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        Assert.DoesNotContain(password, result.Error + result.Output);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.NotNull(l["time"]));
        var failure = lines.Last(l => (string?)l["level"] == "error");
        Assert.Equal(("demo", "rs", "host-0"), ((string?)failure["namespace"], (string?)failure["session"], (string?)failure["host"]));
        Assert.Contains("does not exist", (string?)failure["msg"]);
        Assert.Contains("no-repo-***", (string?)failure["msg"]);
    }
}
