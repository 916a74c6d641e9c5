using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>A Secret to read, with why it is read (for messages).</summary>
internal sealed record SecretReference(string Namespace, string Name, string Purpose)
{
    public override string ToString() => $"Secret {Namespace}/{Name}";
}

/// <summary>A namespaced object to read.</summary>
internal sealed record NamespacedName(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>
/// Where a component's data is (SPEC §13): Repository (in the data-source namespace) →
/// <c>spec.storageRef</c> → BackupStorage, whose root joined with <c>Repository.spec.path</c> and the
/// component's path is the component's own restic repository; and which Secrets hold the
/// backend credentials and <c>RESTIC_PASSWORD</c>.
/// </summary>
internal static class DataSourceLocation
{
    public static readonly IReadOnlyList<string> Providers = ["local", "s3", "gcs", "azure"];

    /// <summary>The Repository the session reads, in its data-source namespace.</summary>
    public static NamespacedName Repository(RestoreSession session, string repositoryName) =>
        new(session.DataSourceNamespace(), repositoryName);

    /// <summary>The BackupStorage of <paramref name="repository"/>; its namespace defaults to the Repository's.</summary>
    /// <exception cref="InvalidInputException"><c>spec.storageRef.name</c> is empty.</exception>
    public static NamespacedName Storage(Repository repository)
    {
        var reference = repository.Spec.StorageRef;
        if (string.IsNullOrWhiteSpace(reference?.Name))
            throw new InvalidInputException($"{repository.Describe()}: spec.storageRef.name is required (the BackupStorage holding the data)");
        return new NamespacedName(reference.Namespace is { Length: > 0 } ns ? ns : repository.Metadata.Namespace ?? "", reference.Name);
    }

    /// <summary>The BackupStorage's credentials Secret (<c>secretName</c>, in the BackupStorage's namespace); null for <c>local</c>.</summary>
    public static SecretReference? CredentialsSecret(BackupStorage storage)
    {
        var backend = storage.Spec.Storage;
        var secretName = Provider(storage) switch
        {
            "s3" => backend?.S3?.SecretName,
            "gcs" => backend?.Gcs?.SecretName,
            "azure" => backend?.Azure?.SecretName,
            _ => null,
        };
        return string.IsNullOrWhiteSpace(secretName)
            ? null
            : new SecretReference(storage.Metadata.Namespace ?? "", secretName, $"credentials of {storage.Describe()}");
    }

    /// <summary>
    /// The Secret with <c>RESTIC_PASSWORD</c>: <c>spec.dataSource.encryptionSecret</c> (namespace
    /// defaults to the session's), else the Repository's own <c>spec.encryptionSecret</c> (namespace
    /// defaults to the Repository's).
    /// </summary>
    /// <exception cref="InvalidInputException">Neither names one.</exception>
    public static SecretReference EncryptionSecret(RestoreSession session, Repository repository)
    {
        if (session.Spec.DataSource?.EncryptionSecret is { Name.Length: > 0 } own)
            return new SecretReference(own.Namespace is { Length: > 0 } ns ? ns : session.Metadata.Namespace ?? "", own.Name, "encryption secret (spec.dataSource.encryptionSecret)");
        if (repository.Spec.EncryptionSecret is { Name.Length: > 0 } fallback)
            return new SecretReference(fallback.Namespace is { Length: > 0 } ns ? ns : repository.Metadata.Namespace ?? "", fallback.Name, $"encryption secret ({repository.Describe()} spec.encryptionSecret)");
        throw new InvalidInputException(
            $"{session.Describe()}: spec.dataSource.encryptionSecret is not set and {repository.Describe()} has no spec.encryptionSecret; the restic password (RESTIC_PASSWORD) is unknown");
    }

    /// <summary>
    /// The component's restic repository as the neutral <see cref="BackendLocation"/>: the
    /// BackupStorage's root (bucket prefix, or mount path + sub path) / <c>Repository.spec.path</c> /
    /// <paramref name="componentPath"/>.
    /// </summary>
    /// <exception cref="InvalidInputException">Unknown provider, its section missing, or a path that climbs out with <c>..</c>.</exception>
    public static BackendLocation ForComponent(BackupStorage storage, Repository repository, string componentPath)
    {
        var owner = storage.Describe();
        var repositoryPath = Segments(repository.Spec.Path, $"{repository.Describe()} spec.path");
        var component = Segments(componentPath, $"component path \"{componentPath}\"");
        var backend = storage.Spec.Storage!;
        var provider = Provider(storage);
        string Under(string? root) => Join([.. Segments(root, $"{owner} spec.storage.{provider}"), .. repositoryPath, .. component]);

        var location = new BackendLocation { Owner = owner, FieldPath = "spec.storage", SecretName = CredentialsSecret(storage)?.Name };
        return provider switch
        {
            "local" => location with { Local = new LocalBackend(backend.Local!.MountPath, Under(backend.Local.SubPath)) },
            "s3" => location with
            {
                S3 = new S3Backend(backend.S3!.Endpoint, backend.S3.Bucket, Under(backend.S3.Prefix), backend.S3.Region, backend.S3.InsecureTLS == true),
            },
            "gcs" => location with { Gcs = new GcsBackend(backend.Gcs!.Bucket, Under(backend.Gcs.Prefix), Connections(backend.Gcs.MaxConnections)) },
            _ => location with
            {
                Azure = new AzureBackend(backend.Azure!.Container, Under(backend.Azure.Prefix), Connections(backend.Azure.MaxConnections))
                {
                    StorageAccount = backend.Azure.StorageAccount,
                },
            },
        };
    }

    /// <summary>The provider in use; an empty one is inferred when exactly one section is set.</summary>
    private static string Provider(BackupStorage storage)
    {
        var owner = storage.Describe();
        var backend = storage.Spec.Storage ?? throw new InvalidInputException($"{owner}: spec.storage is missing");
        var present = new (string Name, object? Section)[] { ("local", backend.Local), ("s3", backend.S3), ("gcs", backend.Gcs), ("azure", backend.Azure) }
            .Where(p => p.Section is not null).Select(p => p.Name).ToList();
        var provider = backend.Provider?.Trim();
        if (string.IsNullOrEmpty(provider))
        {
            return present.Count == 1
                ? present[0]
                : throw new InvalidInputException($"{owner}: spec.storage.provider is empty (one of {string.Join(", ", Providers)})");
        }
        if (!Providers.Contains(provider))
            throw new InvalidInputException($"{owner}: spec.storage.provider \"{provider}\" is not supported (one of {string.Join(", ", Providers)})");
        if (!present.Contains(provider))
            throw new InvalidInputException($"{owner}: spec.storage.provider is \"{provider}\" but spec.storage.{provider} is missing");
        return provider;
    }

    private static string[] Segments(string? path, string what)
    {
        var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(s => s != ".").ToArray();
        if (segments.Contains(".."))
            throw new InvalidInputException($"{what}: \"{path}\" contains \"..\"; a repository path may not leave its storage");
        return segments;
    }

    private static string Join(IEnumerable<string> segments) => string.Join('/', segments);

    private static int? Connections(long? value) => value is { } v ? (int)Math.Clamp(v, int.MinValue, int.MaxValue) : null;
}
