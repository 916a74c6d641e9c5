using Stash.Restore.Core;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>A dry run resolves everything and writes nothing: the file system is exactly as it found it.</summary>
public sealed class DryRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dry-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every entry under the folder with its type, size and modification time.</summary>
    private static List<string> Listing(string root) =>
        [.. new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(e => $"{Path.GetRelativePath(root, e.FullName)} {(e is FileInfo f ? f.Length : -1)} {e.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_dry_run_leaves_the_scratch_folder_and_everything_else_untouched()
    {
        var session = Path.Combine(_dir, "rs.yaml");
        File.WriteAllText(session, """
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {name: rs, namespace: demo}
            spec:
              repository: {name: repo}
              target:
                rules:
                  - paths: [/data]
            """);
        var repository = Path.Combine(_dir, "repo.yaml");
        File.WriteAllText(repository, "apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {name: repo, namespace: demo}\nspec:\n  backend:\n    s3: {endpoint: 'https://127.0.0.1:9', bucket: b}\n");
        var secret = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), "dry-run-password");
        File.WriteAllText(Path.Combine(secret, "CA_CERT_DATA"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        var scratch = Directory.CreateDirectory(Path.Combine(_dir, "scratch")).FullName;
        var before = Listing(_dir);

        var result = await CliHarness.RunAsync(
            "restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
            "--scratch-dir", scratch, "--target-dir", Path.Combine(_dir, "target"), "--status-file", Path.Combine(_dir, "status.json"), "--dry-run");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        // The plan names the CA file and the cache it would use...
        Assert.Contains($"--cacert {Path.Combine(scratch, "restic-credentials", "ca.crt")}", result.Output);
        Assert.Contains($"--cache-dir {Path.Combine(scratch, "restic-cache")}", result.Output);
        // ...and nothing was made: no cache, no TMPDIR, no credential file, no status, no target.
        Assert.Equal(before, Listing(_dir));
    }
}
