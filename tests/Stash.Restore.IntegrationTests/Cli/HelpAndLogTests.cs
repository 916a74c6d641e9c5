using System.Text.Json.Nodes;
using Stash.Restore.Core;

namespace Stash.Restore.IntegrationTests.Cli;

public sealed class HelpAndLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("help-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(new[] { "restore", "--nope" }, "error: unknown option '--nope' (did you mean '--host'?); see 'stash-restore restore --help'")]
    [InlineData(new[] { "restore", "--dry-rn" }, "error: unknown option '--dry-rn' (did you mean '--dry-run'?); see 'stash-restore restore --help'")]
    [InlineData(new[] { "restore", "--output", "yaml" }, "error: argument 'yaml' not recognized. Must be one of: 'text' 'json'; see 'stash-restore restore --help'")]
    [InlineData(new[] { "validate" }, "error: option '--file' is required; see 'stash-restore validate --help'")]
    [InlineData(new[] { "restroe" }, "error: unexpected argument 'restroe'; see 'stash-restore --help'")]
    public async Task A_command_line_that_does_not_parse_is_exit_2_and_one_line(string[] args, string expected)
    {
        var result = await CliHarness.RunAsync(args);
        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Equal(expected, result.Error.TrimEnd());
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Every_restore_flag_is_described_in_help_with_examples_and_exit_codes()
    {
        var result = await CliHarness.RunAsync("restore", "--help");
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        foreach (var flag in new[] { "--restoresession", "--restore-session", "--namespace", "--kubeconfig", "--master", "--invoker-kind", "--target-kind",
                     "--secret-dir", "--enable-cache", "--max-connections", "--metrics-enabled", "--pushgateway-url", "--restore-model", "--host",
                     "--scratch-dir", "--target-dir", "--dry-run", "--output", "--restoresession-file", "--repository-file", "--status-file",
                     "--verify", "--fail-on-metadata-errors", "--hook-timeout", "--own-container", "--log-format", "--log-level", "-v", "--logtostderr", "--stderrthreshold", "--log-dir", "--backoff-max-wait" })
            Assert.Matches($@"(?m)^\s+({flag}|[-\w]+, {flag})\b.*\S\s{{2,}}\S", result.Output);
        Assert.Contains("Exit codes: 0 restored", result.Output);
        Assert.Contains("Examples:", result.Output);

        var root = await CliHarness.RunAsync("--help");
        Assert.Contains("restore", root.Output);
        Assert.Contains("validate", root.Output);
        Assert.Contains("version", root.Output);
    }

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
