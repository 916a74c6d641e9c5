using System.Globalization;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Restic;

/// <summary>
/// How restic reaches one repository: <c>RESTIC_REPOSITORY</c>, the environment with the
/// backend's credentials, and global options. Secrets are only in <see cref="Environment"/>
/// and in 0600 files, never in <see cref="GlobalArguments"/>.
/// </summary>
/// <param name="Repository">The <c>RESTIC_REPOSITORY</c> value; for rest it carries the password as userinfo.</param>
/// <param name="Display">The repository for messages, with any password replaced by <c>***</c>.</param>
/// <param name="Environment">Variables for every restic call, including <c>RESTIC_REPOSITORY</c> and <c>RESTIC_PASSWORD</c>.</param>
/// <param name="GlobalArguments">Options for every restic call (<c>--cacert</c>, <c>--insecure-tls</c>, <c>-o x.connections=N</c>).</param>
/// <param name="CredentialFiles">Credential files restic reads (0600), written only when restic runs.</param>
internal sealed record ResticRepositoryAccess(
    string Repository,
    string Display,
    IReadOnlyDictionary<string, string?> Environment,
    IReadOnlyList<string> GlobalArguments,
    IReadOnlyList<CredentialFile> CredentialFiles);

/// <summary>A credential restic reads from a file (a GCS key, a CA certificate): its planned path and content.</summary>
internal sealed record CredentialFile(string Path, string Content)
{
    public override string ToString() => Path;
}

/// <summary>Turns a <see cref="BackendLocation"/> and its credentials Secret into restic's view of it (SPEC §6). Pure: writes nothing.</summary>
internal static class ResticBackends
{
    public const string PasswordKey = "RESTIC_PASSWORD";
    public const string CaCertKey = "CA_CERT_DATA";
    public const string GoogleKeyKey = "GOOGLE_SERVICE_ACCOUNT_JSON_KEY";
    public const string RestUserKey = "REST_SERVER_USERNAME";
    public const string RestPasswordKey = "REST_SERVER_PASSWORD";

    /// <summary>Credential files go under the scratch directory in <c>restic-credentials-&lt;random&gt;</c>, one fresh folder per run.</summary>
    public const string CredentialsDirectoryName = "restic-credentials";

    // Inherited variables that would make restic read another repository or password than the one we set.
    private static readonly string[] Neutralised =
    [
        "RESTIC_REPOSITORY_FILE", "RESTIC_PASSWORD_FILE", "RESTIC_PASSWORD_COMMAND", "RESTIC_KEY_HINT",
        "RESTIC_CACERT", "RESTIC_CACHE_DIR", "RESTIC_COMPRESSION", "RESTIC_FROM_REPOSITORY",
    ];

    /// <summary>
    /// Builds the repository access for <paramref name="location"/>.
    /// </summary>
    /// <param name="secret">The backend Secret's data (key → decoded value).</param>
    /// <param name="credentialsDirectory">Base name of the folder credential files will be written to when restic runs (a random suffix is added).</param>
    /// <param name="maxConnections">Overrides the backend's <c>maxConnections</c> (the <c>--max-connections</c> flag).</param>
    /// <exception cref="InvalidInputException">No, several or an unknown backend; a required field or Secret key is missing.</exception>
    public static ResticRepositoryAccess Build(
        BackendLocation location,
        IReadOnlyDictionary<string, string> secret,
        string credentialsDirectory,
        int? maxConnections = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(secret);
        var name = location.Owner;
        var field = location.FieldPath;
        var backend = location;
        var secretName = location.SecretName is { Length: > 0 } s ? $"Secret '{s}'" : "the backend Secret";

        var kinds = new (string Kind, object? Spec)[]
        {
            ("local", backend.Local), ("s3", backend.S3), ("gcs", backend.Gcs), ("azure", backend.Azure),
            ("swift", backend.Swift), ("b2", backend.B2), ("rest", backend.Rest),
        }.Where(k => k.Spec is not null).Select(k => k.Kind).ToList();
        if (kinds.Count == 0)
            throw new InvalidInputException($"{name}: {field} names no supported backend (one of local, s3, gcs, azure, swift, b2, rest)");
        if (kinds.Count > 1)
            throw new InvalidInputException($"{name}: {field} names several backends ({string.Join(", ", kinds)}); exactly one is allowed");

        if (!secret.TryGetValue(PasswordKey, out var password) || string.IsNullOrEmpty(password))
            throw new InvalidInputException($"{name}: {secretName} has no key {PasswordKey} (the restic repository password)");

        var builder = new Builder(name, secret, credentialsDirectory);
        builder.Set(PasswordKey, password);
        foreach (var variable in Neutralised)
            builder.Environment[variable] = null;

        string repositoryUrl;
        string display;
        switch (kinds[0])
        {
            case "local":
            {
                var local = backend.Local!;
                var mountPath = Required(name, $"{field}.local.mountPath", local.MountPath);
                repositoryUrl = JoinPath(mountPath.TrimEnd('/') is { Length: > 0 } m ? m : "/", local.SubPath);
                display = "local:" + repositoryUrl;
                break;
            }
            case "s3":
            {
                var s3 = backend.S3!;
                var endpoint = (string.IsNullOrWhiteSpace(s3.Endpoint) ? "s3.amazonaws.com" : s3.Endpoint.Trim()).TrimEnd('/');
                var bucket = Required(name, $"{field}.s3.bucket", s3.Bucket);
                repositoryUrl = $"s3:{endpoint}/{bucket}{Suffix(s3.Prefix)}";
                display = repositoryUrl;
                builder.Copy("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
                if (!string.IsNullOrWhiteSpace(s3.Region))
                    builder.Set("AWS_DEFAULT_REGION", s3.Region.Trim());
                if (s3.InsecureTls)
                    builder.Arguments.Add("--insecure-tls");
                builder.Connections("s3", maxConnections);
                break;
            }
            case "gcs":
            {
                var gcs = backend.Gcs!;
                repositoryUrl = $"gs:{Required(name, $"{field}.gcs.bucket", gcs.Bucket)}:/{Trim(gcs.Prefix)}";
                display = repositoryUrl;
                builder.Copy("GOOGLE_PROJECT_ID");
                if (secret.TryGetValue(GoogleKeyKey, out var key) && !string.IsNullOrEmpty(key))
                {
                    builder.Set("GOOGLE_APPLICATION_CREDENTIALS", builder.WriteFile("gcs-service-account.json", key));
                }
                builder.Connections("gs", maxConnections ?? gcs.MaxConnections);
                break;
            }
            case "azure":
            {
                var azure = backend.Azure!;
                repositoryUrl = $"azure:{Required(name, $"{field}.azure.container", azure.Container)}:/{Trim(azure.Prefix)}";
                display = repositoryUrl;
                builder.Copy("AZURE_ACCOUNT_NAME", "AZURE_ACCOUNT_KEY", "AZURE_ACCOUNT_SAS", "AZURE_ENDPOINT_SUFFIX");
                if (!string.IsNullOrWhiteSpace(azure.StorageAccount))
                    builder.Set("AZURE_ACCOUNT_NAME", azure.StorageAccount.Trim());
                builder.Connections("azure", maxConnections ?? azure.MaxConnections);
                break;
            }
            case "swift":
            {
                var swift = backend.Swift!;
                repositoryUrl = $"swift:{Required(name, $"{field}.swift.container", swift.Container)}:/{Trim(swift.Prefix)}";
                display = repositoryUrl;
                builder.Copy(secret.Keys.Where(k => k.StartsWith("ST_", StringComparison.Ordinal) || k.StartsWith("OS_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray());
                builder.Connections("swift", maxConnections);
                break;
            }
            case "b2":
            {
                var b2 = backend.B2!;
                repositoryUrl = $"b2:{Required(name, $"{field}.b2.bucket", b2.Bucket)}:/{Trim(b2.Prefix)}";
                display = repositoryUrl;
                builder.Copy("B2_ACCOUNT_ID", "B2_ACCOUNT_KEY");
                builder.Connections("b2", maxConnections ?? b2.MaxConnections);
                break;
            }
            default: // rest
            {
                var url = Required(name, $"{field}.rest.url", backend.Rest!.Url).Trim();
                secret.TryGetValue(RestUserKey, out var user);
                secret.TryGetValue(RestPasswordKey, out var restPassword);
                (repositoryUrl, display) = RestUrl(name, $"{field}.rest.url", url, user, restPassword);
                builder.Connections("rest", maxConnections);
                break;
            }
        }

        if (secret.TryGetValue(CaCertKey, out var caCert) && !string.IsNullOrWhiteSpace(caCert))
            builder.Arguments.AddRange(["--cacert", builder.WriteFile("ca.crt", caCert)]);

        builder.Environment["RESTIC_REPOSITORY"] = repositoryUrl;
        return new ResticRepositoryAccess(
            repositoryUrl,
            display,
            builder.Environment,
            builder.Arguments,
            builder.Files);
    }

    /// <summary>
    /// A credentials folder name no other run (or other user of a shared scratch directory) can
    /// predict: <paramref name="baseDirectory"/> plus 128 random bits. Planning only names it;
    /// <see cref="ResticWorkspace"/> creates it, private, when restic runs.
    /// </summary>
    public static string NewCredentialsDirectory(string baseDirectory) =>
        baseDirectory.TrimEnd('/') + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    private static (string Url, string Display) RestUrl(string name, string field, string url, string? user, string? password)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            throw new InvalidInputException($"{name}: {field} '{UrlRedactor.RedactLoose(url)}' is not an http(s) URL");
        if (string.IsNullOrEmpty(user) && string.IsNullOrEmpty(password))
            return ("rest:" + url, "rest:" + UrlRedactor.Redact(url));
        var head = url[..(schemeEnd + 3)];
        var rest = url[(schemeEnd + 3)..];
        var authorityEnd = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        if (authority.Contains('@', StringComparison.Ordinal))
            throw new InvalidInputException($"{name}: {field} carries credentials and the Secret sets {RestUserKey}/{RestPasswordKey}; keep them in the Secret only");
        var userInfo = Uri.EscapeDataString(user ?? "");
        var shown = userInfo;
        if (!string.IsNullOrEmpty(password))
        {
            userInfo += ":" + Uri.EscapeDataString(password);
            shown += ":***";
        }
        return ($"rest:{head}{userInfo}@{rest}", $"rest:{head}{shown}@{rest}");
    }

    private static string Required(string name, string field, string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidInputException($"{name}: {field} is required") : value.Trim();

    private static string Trim(string? value) => (value ?? "").Trim().Trim('/');

    private static string Suffix(string? prefix) => Trim(prefix) is { Length: > 0 } p ? "/" + p : "";

    private static string JoinPath(string root, string? sub) =>
        Trim(sub) is { Length: > 0 } s ? (root == "/" ? "/" + s : root + "/" + s) : root;

    private sealed class Builder(string name, IReadOnlyDictionary<string, string> secret, string credentialsDirectory)
    {
        public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

        public List<string> Arguments { get; } = [];

        public List<CredentialFile> Files { get; } = [];

        public void Set(string key, string value) => Environment[key] = value;

        /// <summary>Copies Secret keys that are present into the environment under the same name.</summary>
        public void Copy(params string[] keys)
        {
            foreach (var key in keys)
            {
                if (secret.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value))
                    Set(key, value);
            }
        }

        public void Connections(string backend, int? connections)
        {
            if (connections is null)
                return;
            if (connections <= 0)
                throw new InvalidInputException($"{name}: maxConnections must be positive, got {connections}");
            Arguments.AddRange(["-o", $"{backend}.connections={connections.Value.ToString(CultureInfo.InvariantCulture)}"]);
        }

        private string? _directory;

        /// <summary>Plans a credential file (written 0600 when restic runs, in this run's own folder); returns its path.</summary>
        public string WriteFile(string fileName, string content)
        {
            _directory ??= NewCredentialsDirectory(credentialsDirectory);
            var path = Path.Combine(_directory, fileName);
            Files.Add(new CredentialFile(path, content));
            return path;
        }
    }
}
