using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Engine;

/// <summary>
/// The pipeline's restic against a real repository: which restic it finds, and mirror mode for a snapshot
/// named by id, whose paths only the repository knows — scoped from restic's own listing, or left without
/// <c>--delete</c> and with restic's reason when the listing fails.
/// </summary>
public sealed class ResticRestoreTests : IAsyncLifetime
{
    private const string WrongPassword = "wrong-pw-Tq4!mirror";

    private TestRepository _repository = null!;
    private TestSnapshot _snapshot = null!;
    private string _data = "";

    public async Task InitializeAsync()
    {
        _repository = await TestRepository.CreateAsync();
        _data = Path.Combine(_repository.Root, "src", "data");
        TestTree.At(_data).File("a.txt", "a").File("sub/b.txt", "b");
        _snapshot = await _repository.BackupAsync("host-0", DateTimeOffset.UtcNow, _data);
    }

    public Task DisposeAsync()
    {
        _repository.Dispose();
        return Task.CompletedTask;
    }

    private string Target => Path.Combine(_repository.Root, "target");

    private static Dictionary<string, string> PathOnly() => new() { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" };

    private ResticRestore Restic(SecretMasker masker) => new(new ProcessRunner(), TimeProvider.System, PathOnly(), masker);

    private ResticPlan MirrorPlan(Dictionary<string, string> secret) => ResticPlanner.Plan(
        StashRestoreRequest.For(new ResolvedRule(0, new RestoreRule { Snapshots = [_snapshot.ShortId] }, "host-0"), _repository.ToRepository(), secret),
        new ResticRestoreOptions(Target, Path.Combine(_repository.Root, "scratch"), EnableCache: false, null, null) { Mirror = true },
        _repository.Restic);

    [Fact]
    public async Task A_local_repository_is_restored_by_the_restic_on_path_without_asking_for_its_backends()
    {
        var restic = Restic(new SecretMasker());

        var local = await restic.LocateAsync(new BackendLocation { Owner = "Repository demo/local", Local = new LocalBackend("/repo", null) }, CancellationToken.None);
        var s3 = await restic.LocateAsync(new BackendLocation { Owner = "Repository demo/s3", S3 = new S3Backend("https://minio:9000", "b", null, null, false) }, CancellationToken.None);

        Assert.Equal((_repository.Restic.Path, _repository.Restic.Version), (local.Path, local.Version));
        Assert.Null(local.Backends);
        Assert.Contains("s3", s3.Backends!);
    }

    [Fact]
    public async Task A_mirrored_snapshot_id_deletes_strays_under_the_snapshots_paths_only()
    {
        var restic = Restic(new SecretMasker());
        TestTree.At(Target + _data).File("stray.txt", "not in the snapshot");
        TestTree.At(Path.Combine(Target, "elsewhere")).File("keep.txt", "outside the snapshot's paths");

        var plan = await restic.ScopeMirrorAsync(MirrorPlan(_repository.Secret), CancellationToken.None);
        await restic.RunAsync(plan, new LogCapture().Logger, null, CancellationToken.None);

        var call = Assert.Single(plan.Invocations);
        Assert.Equal([_data], call.RestoredPaths);
        Assert.Equal(["--delete", "--include", _data], call.Process.Arguments.TakeLast(3));
        Assert.Equal("a", File.ReadAllText(Path.Combine(Target + _data, "a.txt")));
        Assert.False(File.Exists(Path.Combine(Target + _data, "stray.txt")));
        Assert.True(File.Exists(Path.Combine(Target, "elsewhere", "keep.txt")));
    }

    [Fact]
    public async Task When_the_snapshots_cannot_be_listed_a_mirrored_call_keeps_restics_reason_and_deletes_nothing()
    {
        var masker = new SecretMasker();
        var secret = new Dictionary<string, string> { [ResticBackends.PasswordKey] = WrongPassword };
        masker.RegisterSecretData("Secret demo/test-repo-secret", secret);

        var plan = await Restic(masker).ScopeMirrorAsync(MirrorPlan(secret), CancellationToken.None);

        var call = Assert.Single(plan.Invocations);
        Assert.DoesNotContain("--delete", call.Process.Arguments);
        Assert.Null(call.RestoredPaths);
        Assert.StartsWith("mirror mode needs the snapshot's paths, and the repository's snapshots could not be listed: ", call.MirrorProblem, StringComparison.Ordinal);
        Assert.Contains("wrong password", call.MirrorProblem, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, call.MirrorProblem, StringComparison.Ordinal);
    }
}
