using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>A restic snapshot made by a test.</summary>
internal sealed record TestSnapshot(string Id, string ShortId, string Host, DateTimeOffset Time, IReadOnlyList<string> Paths);

/// <summary>
/// A real local restic repository in a temporary directory, with a password, for tests that
/// run real restic. Make one with <see cref="CreateAsync"/>; dispose to delete everything.
/// Needs restic on PATH (scripts/setup.sh installs it).
/// </summary>
internal sealed class TestRepository : IDisposable
{
    public const string DefaultPassword = "test-repo-pw-Xq7!secret";

    private static readonly IProcessRunner Processes = new ProcessRunner();

    private TestRepository(string root, string password, ResticInstallation restic)
    {
        Root = root;
        Password = password;
        Restic = restic;
    }

    /// <summary>Temporary directory holding the repository and anything else the test puts there.</summary>
    public string Root { get; }

    /// <summary>The restic repository directory (what <c>RESTIC_REPOSITORY</c> points to).</summary>
    public string RepositoryPath => Path.Combine(Root, "repo");

    public string Password { get; }

    public ResticInstallation Restic { get; }

    /// <summary>The backend Secret's data as Stash would mount it.</summary>
    public Dictionary<string, string> Secret => new() { [ResticBackends.PasswordKey] = Password };

    /// <summary>Creates and initialises a repository (<c>restic init</c>).</summary>
    public static async Task<TestRepository> CreateAsync(string password = DefaultPassword)
    {
        var restic = await FindResticAsync().ConfigureAwait(false);
        var root = Directory.CreateTempSubdirectory("stash-testrepo-").FullName;
        var repository = new TestRepository(root, password, restic);
        await repository.RunResticAsync("init").ConfigureAwait(false);
        return repository;
    }

    /// <summary>The password of the repository in Fixtures/restic-repository-scrypt-32mib.</summary>
    public const string ScryptFixturePassword = "oom-fixture-pw";

    /// <summary>
    /// An empty repository copied from Fixtures/restic-repository-scrypt-32mib, whose key takes 32 MiB to
    /// open on any machine (<c>restic init</c> sizes a key's scrypt by the machine's speed): for tests of
    /// restic's memory.
    /// </summary>
    public static async Task<TestRepository> CreateFromScryptFixtureAsync()
    {
        var restic = await FindResticAsync().ConfigureAwait(false);
        var root = Directory.CreateTempSubdirectory("stash-testrepo-").FullName;
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "restic-repository-scrypt-32mib");
        var target = Path.Combine(root, "repo");
        foreach (var folder in new[] { "keys", "data", "index", "locks", "snapshots" })
            Directory.CreateDirectory(Path.Combine(target, folder));
        File.Copy(Path.Combine(fixture, "config"), Path.Combine(target, "config"));
        foreach (var key in Directory.EnumerateFiles(Path.Combine(fixture, "keys")))
            File.Copy(key, Path.Combine(target, "keys", Path.GetFileName(key)));
        return new TestRepository(root, ScryptFixturePassword, restic);
    }

    /// <summary>restic on this machine's PATH, or a clear failure telling how to install it.</summary>
    public static Task<ResticInstallation> FindResticAsync() =>
        ResticLocator.FindAsync(Processes, new Dictionary<string, string> { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" }, CancellationToken.None);

    /// <summary>A new empty directory under <see cref="Root"/>.</summary>
    public string CreateDirectory(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// A Stash <c>Repository</c> object with a local backend pointing at this repository
    /// (<c>mountPath</c> = <see cref="Root"/>, <c>subPath</c> = <c>repo</c>).
    /// </summary>
    public Repository ToRepository(string name = "test-repo", string @namespace = "demo") => new()
    {
        ApiVersion = Repository.ApiVersionV1Alpha1,
        Kind = Repository.KindName,
        Metadata = new ObjectMeta { Name = name, Namespace = @namespace },
        Spec = new RepositorySpec
        {
            Backend = new BackendSpec
            {
                StorageSecretName = name + "-secret",
                Local = new LocalSpec { MountPath = Root, SubPath = "repo" },
            },
        },
    };

    /// <summary>
    /// Backs up <paramref name="paths"/> (absolute) as <paramref name="host"/> with the
    /// snapshot time <paramref name="time"/>; returns the snapshot's ids.
    /// </summary>
    public async Task<TestSnapshot> BackupAsync(string host, DateTimeOffset time, params string[] paths)
    {
        var id = await Access.BackupAsync(host, time, paths).ConfigureAwait(false);
        return new TestSnapshot(id, id[..8], host, time.ToUniversalTime(), paths);
    }

    /// <summary>Runs restic against this repository; returns stdout, throws with stderr on a non-zero exit.</summary>
    public Task<string> RunResticAsync(params string[] arguments) => Access.RunAsync(arguments);

    /// <summary>Environment for restic calls on this repository (time zone pinned so --time is UTC).</summary>
    public Dictionary<string, string?> ResticEnvironment() => Access.Environment();

    private TestRestic Access => new(Restic, RepositoryPath, Password);

    public void Dispose() => WorkDirectory.DeleteQuietly(Root);
}
