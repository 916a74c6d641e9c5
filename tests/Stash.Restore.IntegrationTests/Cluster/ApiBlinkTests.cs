using System.Diagnostics;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// The API server unreachable just as restic ends: a TCP proxy between the executor and the test API
/// server resets every connection from the moment restic's restore exits (restic itself waits, bounded,
/// until the pause is in effect, so the executor's final write meets it). Real restic, real HTTPS.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class ApiBlinkTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [RequiresCrdsFact]
    public async Task An_API_server_gone_for_20_seconds_as_restic_ends_still_gets_the_hosts_Succeeded_and_exit_0()
    {
        await using var rig = await ClusterRig.StartAsync();
        await using var proxy = TcpPauseProxy.Start(rig.Server.BaseAddress);
        var pausedFor = TimeSpan.FromSeconds(20);
        var blink = PauseWhenResticEnds(rig, proxy, pausedFor);
        var target = Path.Combine(rig.Repository.Root, "restored-blink");

        var result = await rig.RestoreAsync("app-1", target, extra: ["--master", proxy.Address.ToString()]);
        await blink;

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        var entry = Assert.Single(rig.Stats())!;
        Assert.Equal(("host-0", "Succeeded"), ((string?)entry["hostname"], (string?)entry["phase"]));
        Assert.Null(entry["error"]);
        // The write was tried while the server was away (20 s, past the old 8 s budget), and made it after.
        Assert.True(proxy.TurnedAway > 0, $"no connection was attempted during the pause\n{result}");
        Assert.DoesNotContain(" ERR ", result.Error, StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task An_API_server_that_never_comes_back_exits_3_with_one_line_naming_the_error_the_outcome_and_the_data_in_place()
    {
        await using var rig = await ClusterRig.StartAsync();
        await using var proxy = TcpPauseProxy.Start(rig.Server.BaseAddress);
        var blink = PauseWhenResticEnds(rig, proxy, pausedFor: null);
        var target = Path.Combine(rig.Repository.Root, "restored-gone");

        var clock = Stopwatch.StartNew();
        var result = await rig.RestoreAsync("app-1", target, extra: ["--master", proxy.Address.ToString(), "--api-retry-timeout", "15s"]);
        clock.Stop();
        await blink;

        Assert.True(result.ExitCode == ExitCodes.DependencyUnavailable, result.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"took {clock.Elapsed}\n{result}");
        var errors = result.Error.Split('\n').Where(l => l.Contains(" ERR ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(errors);
        // The budget runs out in the status write's read of the session or in its patch, whichever the clock reaches:
        // either way the line names the session, the outcome not recorded, the API's error and where the data is.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(line,
            @"ERR \[demo/app-restore[^\]]*\] could not record host ""host-0"" Succeeded after (\d+m)?\d+s of retries: .*(RestoreSession demo/app-restore|restoresessions\.stash\.appscode\.com ""app-restore"" \(status\) in namespace ""demo"").*; the restored data is in place$"), result.ToString());
        Assert.True(proxy.TurnedAway > 0, result.ToString());
        // The data is there, and the status says Running: nothing could be written.
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        Assert.Equal("Running", (string?)Assert.Single(rig.Stats())!["phase"]);
    }

    /// <summary>
    /// Replaces the rig's restic with one that, after a restore, says so and waits (at most 30 s) until the
    /// proxy is paused. The returned task pauses the proxy then, and resumes it after <paramref name="pausedFor"/> (null: never).
    /// </summary>
    private static Task<(DateTimeOffset Paused, DateTimeOffset Resumed)> PauseWhenResticEnds(ClusterRig rig, TcpPauseProxy proxy, TimeSpan? pausedFor)
    {
        var ended = Path.Combine(rig.Repository.Root, "restic-ended");
        var paused = Path.Combine(rig.Repository.Root, "api-paused");
        var wrapper = Path.Combine(rig.WrapperDirectory, "restic");
        // Written before the executor starts: it runs restic (version) early.
        File.WriteAllText(wrapper, $"""
            #!/bin/sh
            '{rig.Repository.Restic.Path}' "$@"
            code=$?
            if [ "$1" = restore ]; then
              touch '{ended}'
              i=0
              while [ ! -f '{paused}' ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
            fi
            exit $code
            """);
        return PauseAsync(proxy, ended, paused, pausedFor);
    }

    private static async Task<(DateTimeOffset Paused, DateTimeOffset Resumed)> PauseAsync(TcpPauseProxy proxy, string ended, string paused, TimeSpan? pausedFor)
    {
        var waited = Stopwatch.StartNew();
        while (!File.Exists(ended))
        {
            if (waited.Elapsed > Bound)
                throw new TimeoutException($"restic's restore did not end within {Bound}");
            await Task.Delay(50);
        }
        proxy.Pause();
        var pausedAt = DateTimeOffset.UtcNow;
        await File.WriteAllTextAsync(paused, "");
        if (pausedFor is not { } duration)
            return (pausedAt, DateTimeOffset.MaxValue);
        // The scenario's length, not a synchronisation: the server is away this long.
        await Task.Delay(duration);
        proxy.Resume();
        return (pausedAt, DateTimeOffset.UtcNow);
    }
}
