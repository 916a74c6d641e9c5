namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>
/// <c>--repository-timeout</c> with real restic 0.18 and the real REST server: a repository restic
/// cannot open (closed port, untrusted certificate) fails the host soon with restic's own error;
/// one restic has opened is never cut by it, however long the restore takes.
/// </summary>
public sealed class RepositoryTimeoutTests(RestServerFixture server) : IClassFixture<RestServerFixture>
{
    private static Dictionary<string, string> Secret() => new()
    {
        ["RESTIC_PASSWORD"] = RestServerFixture.RepositoryPassword,
        ["REST_SERVER_USERNAME"] = RestServerFixture.User,
        ["REST_SERVER_PASSWORD"] = RestServerFixture.Password,
    };

    private static string Backend(string url) => $"rest:\n  url: {url}\n";

    [Fact]
    public async Task A_closed_port_fails_within_the_repository_timeout_with_restics_error_in_status()
    {
        using var kit = BackendRestoreKit.Create("closed");
        var closed = ServerProcess.FreePort();

        var run = await kit.RestoreAsync(Backend($"http://127.0.0.1:{closed}/{RestServerFixture.RepositoryName}"), Secret(),
            extraArguments: ["--repository-timeout", "5s"]);

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "--repository-timeout 5s", RestServerFixture.Password, RestServerFixture.RepositoryPassword);
        var error = (string)run.Entry["error"]!;
        Assert.Contains($"dial tcp 127.0.0.1:{closed}: connect: connection refused", error, StringComparison.Ordinal);
        Assert.Contains("restic had not read its config", error, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(10), $"took {run.Elapsed}");
        Assert.True(run.Elapsed >= TimeSpan.FromSeconds(5), $"gave up before the timeout: {run.Elapsed}");
    }

    [RequiresToolFact(TestTool.RestServer)]
    public async Task An_untrusted_certificate_fails_within_the_repository_timeout_naming_the_certificate()
    {
        using var kit = BackendRestoreKit.Create("untrusted");

        var run = await kit.RestoreAsync(Backend($"https://127.0.0.1:{server.HttpsPort}/{RestServerFixture.RepositoryName}"), Secret(),
            extraArguments: ["--repository-timeout", "3s"]);

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "--repository-timeout 3s", RestServerFixture.Password, RestServerFixture.RepositoryPassword);
        Assert.Contains("certificate", (string)run.Entry["error"]!, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(10), $"took {run.Elapsed}");
    }

    [RequiresToolFact(TestTool.RestServer)]
    public async Task A_reachable_but_slow_repository_is_not_cut_by_the_repository_timeout()
    {
        using var kit = BackendRestoreKit.Create("slow");
        // 3 MiB that restic reads at 512 KiB/s below: the restore takes several times the timeout.
        var blob = new byte[3 << 20];
        new Random(7).NextBytes(blob);
        await File.WriteAllBytesAsync(Path.Combine(kit.DataPath, "blob.bin"), blob);
        var name = $"slow-{Guid.NewGuid():N}";
        await kit.InitAndBackupAsync(new Dictionary<string, string?>
        {
            ["RESTIC_REPOSITORY"] = $"rest:http://{RestServerFixture.User}:{Uri.EscapeDataString(RestServerFixture.Password)}@127.0.0.1:{server.HttpPort}/{name}",
            ["RESTIC_PASSWORD"] = RestServerFixture.RepositoryPassword,
        });
        var bin = kit.NewDirectory("slow-bin");
        File.WriteAllText(Path.Combine(bin, "restic"), "#!/bin/sh\nexec /usr/bin/restic --limit-download 512 \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "restic"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var run = await kit.RestoreAsync(Backend($"http://127.0.0.1:{server.HttpPort}/{name}"), Secret(),
            environment: new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" },
            extraArguments: ["--repository-timeout", "1s"]);

        kit.AssertRestored(run);
        Assert.True(run.Elapsed > TimeSpan.FromSeconds(3), $"the restore was not slower than the timeout: {run.Elapsed}");
    }
}
