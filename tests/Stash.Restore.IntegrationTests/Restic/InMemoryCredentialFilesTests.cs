using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.IntegrationTests.Restic;

/// <summary>Credential files handed to a real child process through memory files: it reads the bytes, nothing lands on disk.</summary>
public sealed class InMemoryCredentialFilesTests : IDisposable
{
    private const string Key = "{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nMIIE\\n\"}";
    private readonly string _scratch = Directory.CreateTempSubdirectory("in-memory-credentials-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private string Planned => Path.Combine(_scratch, "credentials", "gcs.json");

    private static async Task<(int ExitCode, List<string> Stdout)> RunAsync(IProcessRunner runner, ProcessSpec spec)
    {
        var stdout = new List<string>();
        var result = await runner.RunAsync(spec, (stream, line) =>
        {
            if (stream == OutputStream.StandardOutput)
                stdout.Add(line);
        }, CancellationToken.None);
        return (result.ExitCode, stdout);
    }

    [Fact]
    public async Task A_child_reads_the_planned_file_by_argv_and_by_environment_and_the_planned_path_is_never_written()
    {
        using var memory = InMemoryCredentialFiles.Open([new CredentialFile(Planned, Key)]);
        var runner = memory.Wrap(new ProcessRunner());
        var substitute = memory.Substitutes[Planned];

        var (catCode, content) = await RunAsync(runner, new ProcessSpec("cat", [Planned], new Dictionary<string, string?>()));
        var (envCode, environment) = await RunAsync(runner, new ProcessSpec("env", [], new Dictionary<string, string?> { ["GOOGLE_APPLICATION_CREDENTIALS"] = Planned, ["KEEP"] = "as is" }));

        Assert.Matches(@"^/proc/self/fd/\d+$", substitute);
        Assert.Equal(0, catCode);
        Assert.Equal(Key.Split('\n'), content);
        Assert.Equal(0, envCode);
        Assert.Contains($"GOOGLE_APPLICATION_CREDENTIALS={substitute}", environment);
        Assert.Contains("KEEP=as is", environment);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scratch));
    }

    [Fact]
    public void Without_credential_files_the_runner_and_the_call_are_left_as_they_are()
    {
        using var memory = InMemoryCredentialFiles.Open([]);
        var inner = new ProcessRunner();
        var spec = new ProcessSpec("restic", ["snapshots", "--json"], new Dictionary<string, string?>());

        Assert.Same(inner, memory.Wrap(inner));
        Assert.Same(spec, memory.Apply(spec));
    }
}
