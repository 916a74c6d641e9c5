using System.Diagnostics;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Metrics;

/// <summary>
/// Hosts of one session restore through the CLI with <c>--metrics-enabled</c> and push to a
/// real Pushgateway; what it then exposes on <c>/metrics</c> is what Prometheus would scrape.
/// </summary>
public sealed class RealPushgatewayTests(BackedUpHostsFixture hosts, PushgatewayFixture gateway)
    : IClassFixture<BackedUpHostsFixture>, IClassFixture<PushgatewayFixture>
{
    private static readonly string[] SeriesNames =
    [
        "stash_restore_host_restore_success",
        "stash_restore_host_restore_duration_seconds",
        "stash_restore_host_restore_files_restored",
        "stash_restore_host_restore_bytes_restored",
        "stash_appscode_com_restoresession_host_restore_success",
        "stash_appscode_com_restoresession_host_restore_duration_seconds",
    ];

    private async Task<(CliResult Result, TimeSpan Elapsed)> RestoreAsync(string session, string host, string pushgatewayUrl, string? path = null)
    {
        var root = hosts.Repo.Root;
        var sessionFile = Path.Combine(root, $"metrics-{session}.yaml");
        File.WriteAllText(sessionFile, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {"{"}name: {session}, namespace: demo{"}"}
            spec:
              repository: {"{"}name: test-repo{"}"}
              target:
                ref: {"{"}apiVersion: apps/v1, kind: StatefulSet, name: db{"}"}
                rules:
                - paths: ["{hosts.DataPath}"]
            """);
        var repositoryFile = Path.Combine(root, "metrics-repo.yaml");
        File.WriteAllText(repositoryFile, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: test-repo, namespace: demo}}\nspec:\n  backend:\n    local:\n      mountPath: {hosts.Repo.RepositoryPath}\n");
        var secret = Directory.CreateDirectory(Path.Combine(root, "metrics-secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), hosts.Repo.Password);
        var clock = Stopwatch.StartNew();
        var result = await CliHarness.RunAsync(path is null ? null : new Dictionary<string, string> { ["PATH"] = path },
            "restore", "--restoresession-file", sessionFile, "--repository-file", repositoryFile, "--secret-dir", secret,
            "--host", host, "--target-dir", Path.Combine(root, $"metrics-target-{session}-{host}"), "--scratch-dir", Path.Combine(root, "metrics-scratch"),
            "--status-file", Path.Combine(root, $"metrics-status-{session}.json"), "--log-format", "text",
            "--metrics-enabled", "--pushgateway-url", pushgatewayUrl);
        return (result, clock.Elapsed);
    }

    /// <summary>What restic counts for a restore of the host's data: every file, directory and symlink, parents of the path included.</summary>
    /// <summary>Files restored are every entry but directories (issue 10: restic's own count has directories too).</summary>
    private (long Files, long Bytes) Expected(string host)
    {
        var tree = TestTree.Read(Path.Combine(hosts.Sources, host));
        return (tree.Values.Count(e => e.Kind != "dir"), tree.Values.Where(e => e.Kind == "file").Sum(e => e.Size));
    }

    private async Task Two_hosts_push_every_series_with_labels_and_values(string session, string? path)
    {
        var runs = new Dictionary<string, TimeSpan>();
        foreach (var host in new[] { "host-0", "host-1" })
        {
            var (result, elapsed) = await RestoreAsync(session, host, gateway.Url.ToString(), path);
            Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
            Assert.DoesNotContain("WRN", result.Error, StringComparison.Ordinal);
            runs[host] = elapsed;
        }

        var scraped = await PushgatewayFixture.ScrapeAsync(gateway.Url);
        var job = $"restoresession-demo-{session}";
        foreach (var (host, elapsed) in runs)
        {
            var all = PushgatewayFixture.Group(scraped, job, host);
            // The gateway's own bookkeeping: the push was accepted and none failed.
            Assert.True(all.Single(s => s.Name == "push_time_seconds").Value > 0);
            Assert.Equal(0, all.Single(s => s.Name == "push_failure_time_seconds").Value);
            var group = all.Where(s => s.Name.StartsWith("stash_", StringComparison.Ordinal)).ToList();
            Assert.Equal(SeriesNames.Order(StringComparer.Ordinal), group.Select(s => s.Name).Order(StringComparer.Ordinal));
            foreach (var sample in group)
            {
                Assert.Equal(
                    new Dictionary<string, string>
                    {
                        ["driver"] = "Restic", ["group"] = "apps", ["hostname"] = host, ["instance"] = "", ["invoker_kind"] = "RestoreSession",
                        ["invoker_name"] = session, ["job"] = job, ["kind"] = "StatefulSet", ["name"] = "db", ["namespace"] = "demo",
                        ["repository"] = "test-repo",
                    },
                    sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary());
            }
            double Value(string name) => group.Single(s => s.Name == name).Value;
            var (files, bytes) = Expected(host);
            Assert.Equal(1, Value("stash_restore_host_restore_success"));
            Assert.Equal(1, Value("stash_appscode_com_restoresession_host_restore_success"));
            Assert.Equal(files, Value("stash_restore_host_restore_files_restored"));
            Assert.Equal(bytes, Value("stash_restore_host_restore_bytes_restored"));
            var duration = Value("stash_restore_host_restore_duration_seconds");
            Assert.InRange(duration, 0.001, elapsed.TotalSeconds);
            Assert.Equal(duration, Value("stash_appscode_com_restoresession_host_restore_duration_seconds"));
        }
    }

    [RequiresToolFact(TestTool.Pushgateway)]
    public Task Two_hosts_of_one_session_push_every_series_with_labels_and_values_restic_0_18() =>
        Two_hosts_push_every_series_with_labels_and_values("pg-018", null);

    [RequiresToolFact(TestTool.Pushgateway, TestTool.Restic014)]
    public Task Two_hosts_of_one_session_push_every_series_with_labels_and_values_restic_0_14() =>
        Two_hosts_push_every_series_with_labels_and_values("pg-014", TestTools.PathWithRestic014());

    [RequiresToolFact(TestTool.Pushgateway)]
    public async Task A_failed_host_pushes_success_0()
    {
        var (result, _) = await RestoreAsync("pg-failed", "host-7", gateway.Url.ToString());

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        var group = PushgatewayFixture.Group(await PushgatewayFixture.ScrapeAsync(gateway.Url), "restoresession-demo-pg-failed", "host-7");
        Assert.Equal(0, group.Single(s => s.Name == "stash_restore_host_restore_success").Value);
        Assert.Equal(0, group.Single(s => s.Name == "stash_appscode_com_restoresession_host_restore_success").Value);
        Assert.Equal(0, group.Single(s => s.Name == "stash_restore_host_restore_files_restored").Value);
    }

    [RequiresToolFact(TestTool.Pushgateway)]
    public async Task A_route_prefix_with_a_trailing_slash_in_the_url_works()
    {
        var (result, _) = await RestoreAsync("pg-prefix", "host-2", gateway.PrefixedUrl + "/");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.DoesNotContain("WRN", result.Error, StringComparison.Ordinal);
        var group = PushgatewayFixture.Group(await PushgatewayFixture.ScrapeAsync(gateway.PrefixedUrl), "restoresession-demo-pg-prefix", "host-2");
        Assert.Equal(1, group.Single(s => s.Name == "stash_restore_host_restore_success").Value);
    }

    [Fact]
    public async Task An_unreachable_gateway_is_one_warning_and_exit_0()
    {
        var closed = ServerProcess.FreePort();

        var (result, _) = await RestoreAsync("pg-down", "host-0", $"http://127.0.0.1:{closed}");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var warning = Assert.Single(result.Error.Split('\n'), l => l.Contains(" WRN ", StringComparison.Ordinal));
        Assert.Contains("Could not push restore metrics of host host-0", warning, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closed}", warning, StringComparison.Ordinal);
    }
}
