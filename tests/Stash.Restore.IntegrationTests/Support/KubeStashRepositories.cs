using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.KubeStash;
using ObjectMeta = Stash.Restore.Core.Input.ObjectMeta;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>How a Snapshot records a component's restic snapshots.</summary>
internal enum ResticStatsShape
{
    /// <summary><c>resticStats: [{summary: {id, hostPath, …}}]</c> (current KubeStash).</summary>
    Summary,

    /// <summary><c>resticStats: [{id, hostPath}]</c> (older Snapshots).</summary>
    Flat,
}

/// <summary>
/// Real restic repositories laid out as KubeStash lays them in a local BackupStorage:
/// <c>&lt;mountPath&gt;/&lt;Repository.spec.path&gt;/repository/v1/&lt;backup session&gt;/&lt;component&gt;</c>, one restic
/// repository per component, one restic snapshot per backed-up path; plus the Snapshot,
/// Repository, BackupStorage and encryption Secret objects that describe them.
/// Needs restic on PATH (scripts/setup.sh installs it). Dispose deletes everything.
/// </summary>
internal sealed class KubeStashRepositories : IDisposable
{
    public const string DefaultPassword = "ks-enc-pw-Zr4!secret";
    public const string Namespace = "demo";
    public const string RepositoryName = "sts-repo";
    public const string StorageName = "local-storage";
    public const string EncryptionSecretName = "encrypt-secret";

    private KubeStashRepositories(string root, string repositoryPath, string password, ResticInstallation restic)
    {
        Root = root;
        RepositoryPath = repositoryPath;
        Password = password;
        Restic = restic;
    }

    /// <summary>Temporary directory: <see cref="MountPath"/> and anything else a test puts there.</summary>
    public string Root { get; }

    /// <summary>The BackupStorage's <c>local.mountPath</c>.</summary>
    public string MountPath => Path.Combine(Root, "storage");

    /// <summary><c>Repository.spec.path</c>.</summary>
    public string RepositoryPath { get; }

    public string Password { get; }

    public ResticInstallation Restic { get; }

    /// <param name="root">An empty folder to keep everything in; default a new one in the temp folder.</param>
    public static async Task<KubeStashRepositories> CreateAsync(string repositoryPath = "demo/sts", string password = DefaultPassword, string? root = null)
    {
        var restic = await TestRepository.FindResticAsync().ConfigureAwait(false);
        root ??= Directory.CreateTempSubdirectory("kubestash-repos-").FullName;
        return new KubeStashRepositories(root, repositoryPath, password, restic);
    }

    /// <summary>The component's path as the Snapshot records it (relative to the Repository).</summary>
    public static string ComponentPath(string backupSession, string component) => $"repository/v1/{backupSession}/{component}";

    /// <summary>The component's restic repository on disk.</summary>
    public string ComponentRepository(string backupSession, string component) =>
        Path.Combine(MountPath, RepositoryPath, ComponentPath(backupSession, component));

    /// <summary>
    /// Backs up <paramref name="paths"/> (absolute; one restic snapshot each, as KubeStash's
    /// workload backup does) into the component's own repository, created on first use.
    /// Returns the Snapshot's <c>status.components[component]</c>.
    /// </summary>
    public async Task<SnapshotComponent> BackupComponentAsync(string backupSession, string component, ResticStatsShape shape, DateTimeOffset time, params string[] paths)
    {
        var repository = ComponentRepository(backupSession, component);
        if (!Directory.Exists(Path.Combine(repository, "data")))
        {
            Directory.CreateDirectory(repository);
            await RunResticAsync(repository, "init").ConfigureAwait(false);
        }
        var stats = new List<ResticStats>();
        foreach (var path in paths)
        {
            var id = await On(repository).BackupAsync(component, time, path).ConfigureAwait(false);
            stats.Add(shape == ResticStatsShape.Summary
                ? new ResticStats { Summary = new ResticSummary { Id = id, HostPath = path, Uploaded = "1kB", StartTime = time, EndTime = time } }
                : new ResticStats { Id = id, HostPath = path });
        }
        return new SnapshotComponent
        {
            Path = ComponentPath(backupSession, component),
            Phase = SnapshotPhase.Succeeded,
            Driver = shape == ResticStatsShape.Summary ? ComponentSnapshots.ResticDriver : null,
            Duration = "1.5s",
            ResticStats = stats,
        };
    }

    /// <summary>A Snapshot object of this Repository.</summary>
    public static Snapshot Snapshot(string name, string backupSession, DateTimeOffset time, IReadOnlyDictionary<string, SnapshotComponent> components, string phase = SnapshotPhase.Succeeded) => new()
    {
        ApiVersion = Stash.Restore.Core.Families.KubeStash.Snapshot.ApiVersionV1Alpha1,
        Kind = Stash.Restore.Core.Families.KubeStash.Snapshot.KindName,
        Metadata = new ObjectMeta { Name = name, Namespace = Namespace },
        Spec = new SnapshotSpec { Repository = RepositoryName, Session = backupSession, Version = "v1", DeletionPolicy = "Delete" },
        Status = new SnapshotStatus
        {
            Phase = phase,
            SnapshotTime = time,
            TotalComponents = components.Count,
            Components = components.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal),
        },
    };

    public BackupStorage ToBackupStorage() => new()
    {
        ApiVersion = BackupStorage.ApiVersionV1Alpha1,
        Kind = BackupStorage.KindName,
        Metadata = new ObjectMeta { Name = StorageName, Namespace = Namespace },
        Spec = new BackupStorageSpec { Storage = new StorageBackend { Provider = "local", Local = new LocalStorage { MountPath = MountPath } } },
    };

    public Repository ToRepository() => new()
    {
        ApiVersion = Repository.ApiVersionV1Alpha1,
        Kind = Repository.KindName,
        Metadata = new ObjectMeta { Name = RepositoryName, Namespace = Namespace },
        Spec = new RepositorySpec { Path = RepositoryPath, StorageRef = new ObjectReference { Name = StorageName, Namespace = Namespace } },
    };

    /// <summary>The encryption Secret as <c>kubectl get secret -o yaml</c> prints it (base64 <c>data</c>).</summary>
    public JsonObject EncryptionSecret() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = EncryptionSecretName, ["namespace"] = Namespace },
        ["data"] = new JsonObject { [ResticBackends.PasswordKey] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)) },
    };

    /// <summary>These objects plus <paramref name="extra"/> as one <c>List</c> document, as <c>kubectl get -o json</c> prints it.</summary>
    public string ObjectsJson(IEnumerable<Snapshot> snapshots, params JsonNode[] extra)
    {
        var items = new JsonArray
        {
            JsonSerializer.SerializeToNode(ToBackupStorage(), KubeStashJsonContext.Default.BackupStorage),
            JsonSerializer.SerializeToNode(ToRepository(), KubeStashJsonContext.Default.Repository),
            EncryptionSecret(),
        };
        foreach (var snapshot in snapshots)
            items.Add(JsonSerializer.SerializeToNode(snapshot, KubeStashJsonContext.Default.Snapshot));
        foreach (var node in extra)
            items.Add(node.DeepClone());
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items }.ToJsonString();
    }

    /// <summary>Runs restic on one component repository; returns stdout, throws with stderr on a non-zero exit.</summary>
    public Task<string> RunResticAsync(string repository, params string[] arguments) => On(repository).RunAsync(arguments);

    private TestRestic On(string repository) => new(Restic, repository, Password);

    public void Dispose() => WorkDirectory.DeleteQuietly(Root);
}
