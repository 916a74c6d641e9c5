using Stash.Restore.Core;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary><c>restore</c>: its help, and the Stash restore it runs when the session is Stash's.</summary>
public sealed class RestoreCommandTests
{
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
}
