using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Restic;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ResticBackendsTests : IDisposable
{
    private const string Password = "s3cr3t-restic-pw";
    private readonly string _scratch = Directory.CreateTempSubdirectory("stash-backends-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static Repository Repo(BackendSpec backend, string name = "my-repo") => new()
    {
        ApiVersion = Repository.ApiVersionV1Alpha1,
        Kind = Repository.KindName,
        Metadata = new ObjectMeta { Name = name, Namespace = "demo" },
        Spec = new RepositorySpec { Backend = backend with { StorageSecretName = "repo-secret" } },
    };

    private static Dictionary<string, string> Secret(params (string Key, string Value)[] extra)
    {
        var secret = new Dictionary<string, string> { ["RESTIC_PASSWORD"] = Password };
        foreach (var (key, value) in extra)
            secret[key] = value;
        return secret;
    }

    private ResticRepositoryAccess Build(BackendSpec backend, Dictionary<string, string> secret, int? maxConnections = null) =>
        ResticBackends.Build(StashBackendLocation.Of(Repo(backend)), secret, _scratch, maxConnections);

    /// <summary>The masker as the run has it: the Secret registered where it was read.</summary>
    private static SecretMasker MaskerAtEntry(Dictionary<string, string> secret)
    {
        var masker = new SecretMasker();
        masker.RegisterSecretData("Secret demo/backend", secret);
        return masker;
    }

    private static void AssertMasked(SecretMasker masker, string value) =>
        Assert.Equal("restic said ***", masker.Apply($"restic said {value}"));

    private static void AssertShown(SecretMasker masker, string value) =>
        Assert.Equal($"restic said {value}", masker.Apply($"restic said {value}"));

    private static void AssertNoSecretInArgs(ResticRepositoryAccess access, Dictionary<string, string> secret)
    {
        var masker = MaskerAtEntry(secret);
        foreach (var (key, value) in secret.Where(kv => SecretKeyClassifier.IsCredential(kv.Key)))
        {
            Assert.DoesNotContain(access.GlobalArguments, a => a.Contains(value, StringComparison.Ordinal));
            AssertMasked(masker, value);
        }
    }

    [Theory]
    [InlineData("/safe/data", null, "/safe/data")]
    [InlineData("/safe/data/", "pvc/demo", "/safe/data/pvc/demo")]
    [InlineData("/safe/data", "/nested/", "/safe/data/nested")]
    public void Local_repository_is_mount_path_and_sub_path(string mountPath, string? subPath, string expected)
    {
        var secret = Secret();
        var access = Build(new BackendSpec { Local = new LocalSpec { MountPath = mountPath, SubPath = subPath } }, secret);
        Assert.Equal(expected, access.Repository);
        Assert.Equal(expected, access.Environment["RESTIC_REPOSITORY"]);
        Assert.Equal(Password, access.Environment["RESTIC_PASSWORD"]);
        Assert.Empty(access.GlobalArguments);
        AssertMasked(MaskerAtEntry(secret), "s3cr3t-restic-pw");
    }

    [Theory]
    [InlineData(null, "bkt", null, "s3:s3.amazonaws.com/bkt")]
    [InlineData("https://minio.local:9000/", "bkt", "/demo/app/", "s3:https://minio.local:9000/bkt/demo/app")]
    [InlineData("s3.eu-west-1.amazonaws.com", "bkt", "p", "s3:s3.eu-west-1.amazonaws.com/bkt/p")]
    public void S3_repository_and_credentials(string? endpoint, string bucket, string? prefix, string expected)
    {
        var secret = Secret(("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY"), ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG"));
        var access = Build(new BackendSpec { S3 = new S3Spec { Endpoint = endpoint, Bucket = bucket, Prefix = prefix, Region = "eu-west-1", InsecureTLS = true } }, secret);
        Assert.Equal(expected, access.Environment["RESTIC_REPOSITORY"]);
        Assert.Equal("AKIAEXAMPLEKEY", access.Environment["AWS_ACCESS_KEY_ID"]);
        Assert.Equal("wJalrXUtnFEMI/K7MDENG", access.Environment["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal("eu-west-1", access.Environment["AWS_DEFAULT_REGION"]);
        Assert.Equal(["--insecure-tls"], access.GlobalArguments);
        AssertShown(MaskerAtEntry(secret), "eu-west-1");
        AssertNoSecretInArgs(access, secret);
    }

    [Fact]
    public void Gcs_key_goes_to_a_0600_file_and_connections_to_an_option()
    {
        const string key = "{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nABC\"}";
        var secret = Secret(("GOOGLE_PROJECT_ID", "proj-1"), ("GOOGLE_SERVICE_ACCOUNT_JSON_KEY", key));
        var access = Build(new BackendSpec { Gcs = new GcsSpec { Bucket = "bkt", Prefix = "/demo/", MaxConnections = 7 } }, secret);
        Assert.Equal("gs:bkt:/demo", access.Environment["RESTIC_REPOSITORY"]);
        Assert.Equal("proj-1", access.Environment["GOOGLE_PROJECT_ID"]);
        var file = access.Environment["GOOGLE_APPLICATION_CREDENTIALS"]!;
        Assert.StartsWith(_scratch, file, StringComparison.Ordinal);
        // Planned, not written: the file appears only while restic runs (ResticWorkspace).
        Assert.False(File.Exists(file));
        Assert.Equal(new CredentialFile(file, key), Assert.Single(access.CredentialFiles));
        Assert.False(access.Environment.ContainsKey("GOOGLE_SERVICE_ACCOUNT_JSON_KEY"));
        Assert.Equal(["-o", "gs.connections=7"], access.GlobalArguments);
        AssertMasked(MaskerAtEntry(secret), key);
    }

    [Fact]
    public void Azure_swift_b2_repositories_and_environment()
    {
        var azure = Build(new BackendSpec { Azure = new AzureSpec { Container = "box", Prefix = "x/y", MaxConnections = 3 } },
            Secret(("AZURE_ACCOUNT_NAME", "acct-name"), ("AZURE_ACCOUNT_KEY", "azure-key-value")));
        Assert.Equal("azure:box:/x/y", azure.Environment["RESTIC_REPOSITORY"]);
        Assert.Equal("acct-name", azure.Environment["AZURE_ACCOUNT_NAME"]);
        Assert.Equal("azure-key-value", azure.Environment["AZURE_ACCOUNT_KEY"]);
        Assert.Equal(["-o", "azure.connections=3"], azure.GlobalArguments);
        var azureMasker = MaskerAtEntry(Secret(("AZURE_ACCOUNT_NAME", "acct-name"), ("AZURE_ACCOUNT_KEY", "azure-key-value")));
        AssertMasked(azureMasker, "azure-key-value");
        AssertShown(azureMasker, "acct-name");

        var swift = Build(new BackendSpec { Swift = new SwiftSpec { Container = "c", Prefix = null } },
            Secret(("OS_AUTH_URL", "https://keystone:5000/v3"), ("OS_USERNAME", "bob"), ("OS_PASSWORD", "swift-pass"), ("ST_KEY", "st-key-value"), ("UNRELATED", "zzzz")));
        Assert.Equal("swift:c:/", swift.Environment["RESTIC_REPOSITORY"]);
        Assert.Equal("https://keystone:5000/v3", swift.Environment["OS_AUTH_URL"]);
        Assert.Equal("swift-pass", swift.Environment["OS_PASSWORD"]);
        Assert.Equal("st-key-value", swift.Environment["ST_KEY"]);
        Assert.False(swift.Environment.ContainsKey("UNRELATED"));
        var swiftMasker = MaskerAtEntry(Secret(("OS_PASSWORD", "swift-pass"), ("ST_KEY", "st-key-value")));
        AssertMasked(swiftMasker, "swift-pass");
        AssertMasked(swiftMasker, "st-key-value");

        var b2 = Build(new BackendSpec { B2 = new B2Spec { Bucket = "b", Prefix = "p", MaxConnections = 2 } },
            Secret(("B2_ACCOUNT_ID", "b2-id"), ("B2_ACCOUNT_KEY", "b2-key-value")));
        Assert.Equal("b2:b:/p", b2.Environment["RESTIC_REPOSITORY"]);
        Assert.Equal("b2-id", b2.Environment["B2_ACCOUNT_ID"]);
        Assert.Equal("b2-key-value", b2.Environment["B2_ACCOUNT_KEY"]);
        Assert.Equal(["-o", "b2.connections=2"], b2.GlobalArguments);
    }

    [Fact]
    public void Max_connections_flag_overrides_the_backend()
    {
        var access = Build(new BackendSpec { Gcs = new GcsSpec { Bucket = "b", MaxConnections = 7 } }, Secret(), maxConnections: 2);
        Assert.Equal(["-o", "gs.connections=2"], access.GlobalArguments);
    }

    [Fact]
    public void Rest_credentials_become_escaped_userinfo_and_are_masked_in_display()
    {
        var secret = Secret(("REST_SERVER_USERNAME", "back up"), ("REST_SERVER_PASSWORD", "p@ss:w/rd"));
        var access = Build(new BackendSpec { Rest = new RestServerSpec { Url = "https://rest.local:8000/demo/" } }, secret);
        Assert.Equal("rest:https://back%20up:p%40ss%3Aw%2Frd@rest.local:8000/demo/", access.Environment["RESTIC_REPOSITORY"]);
        Assert.Equal("rest:https://back%20up:***@rest.local:8000/demo/", access.Display);
        var masker = MaskerAtEntry(secret);
        AssertMasked(masker, "p@ss:w/rd");
        AssertMasked(masker, "p%40ss%3Aw%2Frd");
        Assert.Empty(access.GlobalArguments);
        Assert.False(access.Environment.ContainsKey("REST_SERVER_PASSWORD"));
    }

    [Fact]
    public void Rest_without_credentials_is_the_url()
    {
        var access = Build(new BackendSpec { Rest = new RestServerSpec { Url = "http://127.0.0.1:8000/" } }, Secret());
        Assert.Equal("rest:http://127.0.0.1:8000/", access.Repository);
    }

    [Fact]
    public void Ca_cert_is_written_to_a_0600_file_passed_with_cacert()
    {
        const string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        var access = Build(new BackendSpec { S3 = new S3Spec { Endpoint = "https://minio:9000", Bucket = "b" } }, Secret(("CA_CERT_DATA", pem)));
        Assert.Equal("--cacert", access.GlobalArguments[0]);
        var file = access.GlobalArguments[1];
        Assert.False(File.Exists(file));
        Assert.Equal(new CredentialFile(file, pem), Assert.Single(access.CredentialFiles));
        Assert.Equal(2, access.GlobalArguments.Count);
    }

    [Fact]
    public void Inherited_restic_variables_that_would_redirect_restic_are_removed()
    {
        var access = Build(new BackendSpec { Local = new LocalSpec { MountPath = "/r" } }, Secret());
        Assert.True(access.Environment.ContainsKey("RESTIC_PASSWORD_FILE"));
        Assert.Null(access.Environment["RESTIC_PASSWORD_FILE"]);
        Assert.Null(access.Environment["RESTIC_PASSWORD_COMMAND"]);
        Assert.Null(access.Environment["RESTIC_REPOSITORY_FILE"]);
    }

    [Fact]
    public void Missing_password_names_the_secret_key_not_a_value()
    {
        var secret = new Dictionary<string, string> { ["AWS_SECRET_ACCESS_KEY"] = "do-not-print-me" };
        var e = Assert.Throws<InvalidInputException>(() => Build(new BackendSpec { S3 = new S3Spec { Bucket = "b" } }, secret));
        Assert.Contains("RESTIC_PASSWORD", e.Message, StringComparison.Ordinal);
        Assert.Contains("repo-secret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print-me", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void No_backend_several_backends_and_missing_fields_are_invalid_input()
    {
        var none = Assert.Throws<InvalidInputException>(() => Build(new BackendSpec(), Secret()));
        Assert.Contains("no supported backend", none.Message, StringComparison.Ordinal);
        var several = Assert.Throws<InvalidInputException>(() => Build(new BackendSpec { Local = new LocalSpec { MountPath = "/r" }, S3 = new S3Spec { Bucket = "b" } }, Secret()));
        Assert.Contains("local, s3", several.Message, StringComparison.Ordinal);
        var bucket = Assert.Throws<InvalidInputException>(() => Build(new BackendSpec { Gcs = new GcsSpec() }, Secret()));
        Assert.Contains("spec.backend.gcs.bucket", bucket.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidInputException>(() => ResticBackends.Build(StashBackendLocation.Of(new Repository()), Secret(), _scratch));
    }
}
