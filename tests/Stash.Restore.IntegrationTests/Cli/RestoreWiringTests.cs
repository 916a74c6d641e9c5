using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>Where an offline Stash run's inputs come from and its status goes: the files it is given, and stdout without <c>--status-file</c>.</summary>
public sealed class RestoreWiringTests : IDisposable
{
    private readonly WorkDirectory _work = new("restore-wiring-");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Offline_without_a_status_file_the_hosts_status_entry_is_printed_on_stdout()
    {
        var session = Path.Combine(_work.Path, "rs.yaml");
        File.WriteAllText(session, "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {name: rs, namespace: demo}\nspec:\n  target:\n    rules:\n    - paths: [/data]\n");
        var repository = Path.Combine(_work.Path, "repo.yaml");
        // No repository at that path: restic fails at once, and the host's entry says so.
        File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: r}}\nspec:\n  backend:\n    local:\n      mountPath: {Path.Combine(_work.Path, "no-repo")}\n");
        var secret = Directory.CreateDirectory(Path.Combine(_work.Path, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), "pa55-word");

        var result = await CliHarness.RunAsync("restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
            "--host", "host-0", "--target-dir", Path.Combine(_work.Path, "t"), "--scratch-dir", Path.Combine(_work.Path, "s"), "--log-format", "text");

        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        var status = JsonNode.Parse(result.Output)!.AsObject();
        var entry = Assert.Single(status["stats"]!.AsArray())!;
        Assert.Equal(("host-0", "Failed"), ((string?)entry["hostname"], (string?)entry["phase"]));
        Assert.Contains("no-repo", (string?)entry["error"], StringComparison.Ordinal);
    }
}
