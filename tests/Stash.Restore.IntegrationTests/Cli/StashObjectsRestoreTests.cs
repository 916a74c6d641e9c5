using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>The Stash family from the <c>--objects</c> files: one <c>kubectl get -o yaml</c>-style stream with session, Repository and Secret.</summary>
public sealed class StashObjectsRestoreTests(BackedUpHostsFixture hosts) : IClassFixture<BackedUpHostsFixture>
{
    private string Objects(string password)
    {
        var path = Path.Combine(hosts.Repo.Root, $"objects-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, StashRestoreSessions.StatefulSetDb($"""
                rules:
                - paths: ["{hosts.DataPath}"]
            ---
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {"{"}name: test-repo, namespace: demo{"}"}
            spec:
              backend:
                local: {"{"}mountPath: {hosts.Repo.RepositoryPath}{"}"}
                storageSecretName: repo-secret
            ---
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: repo-secret, namespace: demo{"}"}
            data: {"{"}RESTIC_PASSWORD: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(password))}{"}"}
            """));
        return path;
    }

    [Fact]
    public async Task A_Stash_session_Repository_and_Secret_in_one_objects_file_restore_the_hosts_bytes()
    {
        var target = Path.Combine(hosts.Repo.Root, $"restored-objects-{Guid.NewGuid():N}");
        var status = Path.Combine(hosts.Repo.Root, $"status-{Guid.NewGuid():N}.json");

        var result = await CliHarness.RunAsync("restore", "--objects", Objects(hosts.Repo.Password), "--host", "host-2", "--target-dir", target,
            "--scratch-dir", Path.Combine(hosts.Repo.Root, "scratch"), "--status-file", status);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(Path.Combine(hosts.Sources, "host-2"), Path.Combine(target, hosts.DataPath.TrimStart('/')));
        var entry = JsonNode.Parse(File.ReadAllText(status))!["stats"]!.AsArray().Single()!;
        Assert.Equal(("host-2", "Succeeded"), ((string?)entry["hostname"], (string?)entry["phase"]));
        Assert.DoesNotContain(hosts.Repo.Password, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_password_from_the_objects_Secret_is_used_and_masked()
    {
        const string wrong = "wrong-pass-Lk2!zz";
        var status = Path.Combine(hosts.Repo.Root, $"status-{Guid.NewGuid():N}.json");

        var result = await CliHarness.RunAsync("restore", "--objects", Objects(wrong), "--host", "host-0",
            "--target-dir", Path.Combine(hosts.Repo.Root, "t-wrong"), "--scratch-dir", Path.Combine(hosts.Repo.Root, "scratch"), "--status-file", status);

        Assert.Equal(ExitCodes.RestoreFailed, result.ExitCode);
        Assert.Equal("Failed", (string?)JsonNode.Parse(File.ReadAllText(status))!["stats"]![0]!["phase"]);
        Assert.DoesNotContain(wrong, result.Output + result.Error + File.ReadAllText(status), StringComparison.Ordinal);
    }
}
