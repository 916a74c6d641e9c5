using System.Globalization;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// A Repository's backend as Stash's resolver hands it to the restore Job's Functions
/// (<c>restore-pvc</c>, <c>update-status</c>): <c>--provider</c>, <c>--bucket</c> (the bucket or
/// container; a local backend's <c>mountPath</c>), <c>--endpoint</c> (the S3 endpoint, or the REST
/// server's URL), <c>--region</c>, <c>--path</c> (the prefix) and <c>--insecure-tls</c>.
/// </summary>
/// <remarks>
/// It is turned back into the Repository's <c>spec.backend</c>, so restic's location and credentials
/// come from the one mapping every Stash Repository goes through (<see cref="StashBackendLocation"/>).
/// </remarks>
internal sealed record FunctionBackend(string? Provider, string? Bucket, string? Endpoint, string? Region, string? Path, bool InsecureTls)
{
    public static readonly IReadOnlyList<string> Providers = ["local", "s3", "gcs", "azure", "swift", "b2", "rest"];

    /// <summary><c>spec.backend</c> for these arguments and the backend Secret's name.</summary>
    /// <exception cref="InvalidInputException"><c>--provider</c> is empty or not one of <see cref="Providers"/>.</exception>
    public BackendSpec ToBackendSpec(string? storageSecretName)
    {
        var bucket = Value(Bucket);
        var prefix = Value(Path);
        var backend = new BackendSpec { StorageSecretName = Value(storageSecretName) };
        return Value(Provider)?.ToLower(CultureInfo.InvariantCulture) switch
        {
            // Stash mounts a local repository's volume (with its subPath) at mountPath, and passes no prefix.
            "local" => backend with { Local = new LocalSpec { MountPath = bucket, SubPath = prefix } },
            "s3" => backend with { S3 = new S3Spec { Endpoint = Value(Endpoint), Bucket = bucket, Prefix = prefix, Region = Value(Region), InsecureTLS = InsecureTls } },
            "gcs" => backend with { Gcs = new GcsSpec { Bucket = bucket, Prefix = prefix } },
            "azure" => backend with { Azure = new AzureSpec { Container = bucket, Prefix = prefix } },
            "swift" => backend with { Swift = new SwiftSpec { Container = bucket, Prefix = prefix } },
            "b2" => backend with { B2 = new B2Spec { Bucket = bucket, Prefix = prefix } },
            // The URL holds the REST server's path; Stash passes its host as --bucket and its path as --path too.
            "rest" => backend with { Rest = new RestServerSpec { Url = Value(Endpoint) } },
            null => throw new InvalidInputException($"--provider is empty; it names the Repository's backend: one of {string.Join(", ", Providers)}"),
            var other => throw new InvalidInputException($"--provider \"{other}\" is not one of {string.Join(", ", Providers)}"),
        };
    }

    private static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
