using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Cli;

namespace Stash.Restore.IntegrationTests.Restic;

/// <summary>
/// What restic says reaches the user as a person would read it (issue 12 item 4): no terminal
/// control sequences in logs or status, and a restic that lacks the Repository's backend refused
/// before anything runs. The CLI runs in-process, offline, against a real child restic.
/// </summary>
public sealed class ResticSaidRightTests : IDisposable
{
    private const string Password = "said-right-pw-Qx7#never-shown";
    private const string DataPath = "/var/lib/app-data";

    private readonly string _dir = Directory.CreateTempSubdirectory("restic-said-right-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string StatusPath => Path.Combine(_dir, "status.json");

    private async Task<CliResult> Restore(IReadOnlyDictionary<string, string>? environment, string backend, string hooks = "")
    {
        var session = Path.Combine(_dir, "rs.yaml");
        File.WriteAllText(session, $$"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {name: said-right, namespace: demo}
            spec:
              repository:
                name: repo
              target:
                ref: {apiVersion: apps/v1, kind: Deployment, name: app}
                rules:
                - paths: ["{{DataPath}}"]
            {{hooks}}
            """);
        var repository = Path.Combine(_dir, "repo.yaml");
        File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: repo, namespace: demo}}\nspec:\n  backend:\n{backend}");
        var secret = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), Password);
        File.WriteAllText(Path.Combine(secret, "AZURE_ACCOUNT_NAME"), "account");
        File.WriteAllText(Path.Combine(secret, "AZURE_ACCOUNT_KEY"), "azure-key-secret");
        return await CliHarness.RunAsync(environment,
        [
            "restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
            "--target-dir", Path.Combine(_dir, "target"), "--scratch-dir", Path.Combine(_dir, "scratch"),
            "--status-file", StatusPath, "--log-format", "text", "--host", "host-0",
        ]);
    }

    private string LocalBackend => $"    local:\n      mountPath: {Path.Combine(_dir, "restic-repo")}\n";

    [Fact]
    public async Task Terminal_control_sequences_restic_prints_never_reach_the_log_or_the_status()
    {
        // restic redraws its progress line with ESC[2K and \r when it thinks it has a terminal.
        var restic = FakeRestic.Create(_dir,
            ["\u001b[2K[0:01] 10.00%  1 files 1 KiB\r\u001b[2K[0:02] 50.00%  2 files 2 KiB\r\u001b[2Kprogress drawn"],
            ["\u001b[2K\u001b[1mFatal:\u001b[0m unable to open config file: \u001b[31mStat: no such file\u001b[0m\r"],
            exitCode: 1);

        var result = await Restore(restic.Environment, LocalBackend);

        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        var status = File.ReadAllText(StatusPath);
        var error = (string?)JsonNode.Parse(status)!["stats"]!.AsArray().Single()!["error"];
        Assert.Contains("unable to open config file: Stat: no such file", error, StringComparison.Ordinal);
        Assert.Contains("restic: progress drawn", result.Error, StringComparison.Ordinal);
        // Each redraw arrives as its own line (the reader splits at \r) and is logged as plain text.
        Assert.Contains("restic: [0:02] 50.00%  2 files 2 KiB" + Environment.NewLine, result.Error, StringComparison.Ordinal);
        foreach (var text in new[] { status, result.Output, result.Error })
        {
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain('\r', text);
            Assert.DoesNotContain("[2K", text, StringComparison.Ordinal);
        }
    }

    private string AzureBackend => "    azure:\n      container: stash-backup\n      prefix: demo/app\n";

    private string PreHookMarking(string marker) => $"  hooks:\n    preRestore:\n      exec:\n        command: [touch, \"{marker}\"]\n";

    [Fact]
    public async Task An_azure_repository_with_a_restic_built_without_azure_exits_3_before_hooks_and_status()
    {
        var system = await ResticLocator.FindAsync(new ProcessRunner(), new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, CancellationToken.None);
        // This machine's restic is Debian's (scripts/setup.sh), built without azure.
        Assert.False(system.Backends?.Contains("azure") != false, $"restic at {system.Path} has the azure backend (or lists none)");
        var marker = Path.Combine(_dir, "pre-hook-ran");

        var result = await Restore(new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, AzureBackend, PreHookMarking(marker));

        Assert.True(result.ExitCode == ExitCodes.DependencyUnavailable, result.ToString());
        Assert.Contains(
            $"restic {system.Version.ToString(3)} at {system.Path} was built without the azure backend (Debian's package disables it); use an upstream restic release",
            result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the preRestore hook ran");
        Assert.False(File.Exists(StatusPath), "a status was written");
        Assert.DoesNotContain("azure-key-secret", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restic_without_azure_is_asked_only_version_and_options()
    {
        // The system restic behind a script that records every call.
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "wrapped")).FullName;
        var log = Path.Combine(_dir, "calls.log");
        var wrapper = Path.Combine(bin, "restic");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$1\" >> '{log}'\nexec /usr/bin/restic \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var backends = await ResticLocator.ReadBackendsAsync(new ProcessRunner(), "/usr/bin/restic", CancellationToken.None);
        Assert.False(backends?.Contains("azure") != false, "/usr/bin/restic has the azure backend (or lists none)");
        File.Delete(log);

        var result = await Restore(new Dictionary<string, string> { ["PATH"] = $"{bin}:/usr/bin:/bin" }, AzureBackend);

        Assert.True(result.ExitCode == ExitCodes.DependencyUnavailable, result.ToString());
        Assert.Contains($"at {wrapper} was built without the azure backend", result.Error, StringComparison.Ordinal);
        // The two are started together, so the log's order is whichever shell wrote first.
        Assert.Equal(["options", "version"], File.ReadAllLines(log).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_local_repository_needs_no_backend_list_restic_is_not_asked_options()
    {
        // Every restic build has the local backend: the start-up skips the `restic options` child.
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "wrapped")).FullName;
        var log = Path.Combine(_dir, "calls.log");
        var wrapper = Path.Combine(bin, "restic");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$1\" >> '{log}'\nexec /usr/bin/restic \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // No repository at the mount path: the restore itself fails, after the calls we look at.
        var result = await Restore(new Dictionary<string, string> { ["PATH"] = $"{bin}:/usr/bin:/bin" }, LocalBackend);

        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        var calls = File.ReadAllLines(log);
        Assert.Equal("version", calls[0]);
        Assert.Contains("restore", calls);
        Assert.DoesNotContain("options", calls);
    }

    [Fact]
    public async Task Restic_options_tells_the_backends_of_debians_0_18_build()
    {
        var system = await ResticLocator.ReadBackendsAsync(new ProcessRunner(), "/usr/bin/restic", CancellationToken.None);
        Assert.NotNull(system);
        Assert.Superset(new HashSet<string> { "b2", "gs", "local", "rest", "s3", "swift" }, new HashSet<string>(system));
        Assert.DoesNotContain("azure", system); // Debian's 0.18 (trixie) drops it
    }

    [RequiresToolFact(TestTool.Restic014)]
    public async Task Restic_options_tells_the_backends_of_debians_0_14_build_azure_included()
    {
        var old = await ResticLocator.ReadBackendsAsync(new ProcessRunner(), TestTools.Restic014, CancellationToken.None);
        Assert.NotNull(old);
        Assert.Contains("azure", old);
        Assert.Contains("gs", old);
    }
}
