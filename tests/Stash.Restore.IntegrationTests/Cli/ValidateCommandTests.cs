using Stash.Restore.Core;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary><c>stash-restore validate</c>: every problem of every file with its line and column, exit 2; warnings for hooks that paste the error into a shell unquoted.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Header = "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {name: rs, namespace: demo}\nspec:\n  target:\n    rules:\n";

    [Fact]
    public async Task Validate_reports_every_problem_of_every_file_in_a_directory_and_exits_2()
    {
        File.WriteAllText(Path.Combine(_dir, "good.yaml"), Header + "    - paths: [/data]\n");
        File.WriteAllText(Path.Combine(_dir, "bad.yaml"), Header + "    - paths: [data]\n    - targetHosts: []\n      snapshots: [abc]\n");
        File.WriteAllText(Path.Combine(_dir, "wrong-kind.json"), """{"apiVersion":"v1","kind":"Pod"}""");
        File.WriteAllText(Path.Combine(_dir, "notes.md"), "ignored");

        var result = await CliHarness.RunAsync("validate", "-f", _dir);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("good.yaml: valid", result.Output);
        Assert.Contains("bad.yaml:7:15: spec.target.rules[0].paths[0]: \"data\" is not an absolute path", result.Output);
        Assert.Contains("bad.yaml:8:7: spec.target.rules[1]: a second rule with empty targetHosts", result.Output);
        Assert.Contains("wrong-kind.json: expected apiVersion stash.appscode.com/v1beta1 kind RestoreSession, got apiVersion v1 kind Pod", result.Output);
        Assert.DoesNotContain("notes.md", result.Output);
        Assert.Contains("1 valid, 2 invalid", result.Output);
    }

    [Fact]
    public async Task Validate_of_good_files_exits_0()
    {
        var file = Path.Combine(_dir, "good.yaml");
        File.WriteAllText(file, Header + "    - paths: [/data]\n");
        var result = await CliHarness.RunAsync("validate", "-f", file, file);
        Assert.Equal(ExitCodes.Success, result.ExitCode);
    }

    [Theory]
    [InlineData("""["/bin/sh", "-c", "notify 'restore of {{ .Name }} failed: {{ .Status.Error }}'"]""", true)]
    [InlineData("""["bash", "-ec", "notify {{ .Status.Error }}"]""", true)]
    [InlineData("""["/bin/sh", "-c", "notify {{ .Status.Error | squote }}"]""", false)]
    [InlineData("""["/bin/sh", "-c", "notify {{ squote .Status.Error }}"]""", false)]
    [InlineData("""["/usr/local/bin/notify", "{{ .Status.Error }}"]""", false)]
    public async Task Validate_warns_when_a_shell_hook_pastes_the_restore_error_unquoted(string command, bool warns)
    {
        var file = Path.Combine(_dir, "hook.yaml");
        File.WriteAllText(file, Header + "    - paths: [/data]\n  hooks:\n    postRestore:\n      exec:\n        command: " + command + "\n");

        var result = await CliHarness.RunAsync("validate", "-f", file);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        if (warns)
            Assert.Matches(@"hook\.yaml: warning: spec\.hooks\.postRestore\.exec\.command\[2\] pastes \{\{.*\.Status\.Error.*\}\} into a shell script unquoted; .* write \{\{ \.Status\.Error \| squote \}\}", result.Output);
        else
            Assert.DoesNotContain("warning:", result.Output);
    }
}
