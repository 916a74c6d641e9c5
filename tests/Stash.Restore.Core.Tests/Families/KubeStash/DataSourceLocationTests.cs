using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class DataSourceLocationTests
{
    private const string ComponentPath = "repository/v1/demo-session/pod-0";

    private static BackupStorage Storage(string storageYaml) => KubeStashSamples.Objects($"""
        apiVersion: storage.kubestash.com/v1alpha1
        kind: BackupStorage
        metadata: {"{"}name: storage, namespace: infra{"}"}
        spec:
          storage:
        {KubeStashSamples.Indent(KubeStashSamples.Indent(storageYaml))}
        """).Get(new ObjectKey("storage.kubestash.com/v1alpha1", "BackupStorage", "infra", "storage"), KubeStashJsonContext.Default.BackupStorage);

    private static Repository Repo(string path = "/demo/sts") => new()
    {
        ApiVersion = Repository.ApiVersionV1Alpha1,
        Kind = Repository.KindName,
        Metadata = new() { Name = "gcs-demo-repo", Namespace = "demo" },
        Spec = new RepositorySpec { Path = path, StorageRef = new ObjectReference { Name = "storage", Namespace = "infra" } },
    };

    [Fact]
    public void S3_prefix_joins_storage_prefix_repository_path_and_component_path()
    {
        var storage = Storage("provider: s3\ns3: {endpoint: \"http://127.0.0.1:9000\", bucket: kubestash, prefix: /backups/, region: us-east-1, secretName: s3-secret, insecureTLS: true}");

        var location = DataSourceLocation.ForComponent(storage, Repo(), ComponentPath);

        Assert.Equal("BackupStorage infra/storage", location.Owner);
        Assert.Equal("spec.storage", location.FieldPath);
        Assert.Equal("s3-secret", location.SecretName);
        Assert.Equal(new S3Backend("http://127.0.0.1:9000", "kubestash", "backups/demo/sts/repository/v1/demo-session/pod-0", "us-east-1", true), location.S3);
        Assert.Null(location.Local);
    }

    [Fact]
    public void Gcs_and_azure_carry_connections_and_the_storage_account()
    {
        var gcs = DataSourceLocation.ForComponent(Storage("provider: gcs\ngcs: {bucket: b, maxConnections: 4, secretName: gcs-secret}"), Repo("demo"), ComponentPath);
        var azure = DataSourceLocation.ForComponent(Storage("provider: azure\nazure: {storageAccount: acct, container: c, prefix: p, maxConnections: 2, secretName: az}"), Repo("demo"), ComponentPath);

        Assert.Equal(new GcsBackend("b", "demo/repository/v1/demo-session/pod-0", 4), gcs.Gcs);
        Assert.Equal(new AzureBackend("c", "p/demo/repository/v1/demo-session/pod-0", 2) { StorageAccount = "acct" }, azure.Azure);
    }

    [Fact]
    public void Local_keeps_the_mount_path_and_puts_the_rest_under_the_sub_path()
    {
        var location = DataSourceLocation.ForComponent(Storage("provider: local\nlocal: {mountPath: /kubestash-repo, subPath: team-a, persistentVolumeClaim: {claimName: repo-pvc}}"), Repo(), ComponentPath);

        Assert.Equal(new LocalBackend("/kubestash-repo", "team-a/demo/sts/repository/v1/demo-session/pod-0"), location.Local);
        Assert.Null(location.SecretName);
    }

    [Fact]
    public void An_empty_provider_is_inferred_from_the_only_section()
    {
        var location = DataSourceLocation.ForComponent(Storage("gcs: {bucket: b}"), Repo(), ComponentPath);

        Assert.Equal("b", location.Gcs!.Bucket);
    }

    [Theory]
    [InlineData("provider: b2\ns3: {bucket: b}", "BackupStorage infra/storage: spec.storage.provider \"b2\" is not supported (one of local, s3, gcs, azure)")]
    [InlineData("provider: s3\ngcs: {bucket: b}", "BackupStorage infra/storage: spec.storage.provider is \"s3\" but spec.storage.s3 is missing")]
    [InlineData("s3: {bucket: b}\ngcs: {bucket: b}", "BackupStorage infra/storage: spec.storage.provider is empty (one of local, s3, gcs, azure)")]
    public void A_storage_that_names_no_usable_backend_is_invalid_input(string storageYaml, string expected)
    {
        var error = Assert.Throws<InvalidInputException>(() => DataSourceLocation.ForComponent(Storage(storageYaml), Repo(), ComponentPath));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void A_path_that_climbs_out_of_the_storage_is_refused()
    {
        var storage = Storage("provider: local\nlocal: {mountPath: /repo}");

        var error = Assert.Throws<InvalidInputException>(() => DataSourceLocation.ForComponent(storage, Repo(), "repository/v1/../../../etc"));

        Assert.Equal("component path \"repository/v1/../../../etc\": \"repository/v1/../../../etc\" contains \"..\"; a repository path may not leave its storage", error.Message);
    }

    [Fact]
    public void Credentials_come_from_the_storage_namespace_and_the_password_from_the_session_then_the_Repository()
    {
        var storage = Storage("provider: s3\ns3: {bucket: b, secretName: s3-secret}");
        var session = KubeStashSamples.ReadSession();
        var noSecret = KubeStashSamples.SessionWithSpec("dataSource:\n  snapshot: s\n  encryptionSecret: {name: enc}");
        var repositoryWithSecret = Repo() with { Spec = Repo().Spec with { EncryptionSecret = new ObjectReference { Name = "repo-enc" } } };

        Assert.Equal("Secret infra/s3-secret", DataSourceLocation.CredentialsSecret(storage)!.ToString());
        Assert.Equal("Secret demo/encrypt-secret", DataSourceLocation.EncryptionSecret(session, Repo()).ToString());
        Assert.Equal("Secret demo/enc", DataSourceLocation.EncryptionSecret(noSecret, Repo()).ToString());
        Assert.Equal("Secret demo/repo-enc", DataSourceLocation.EncryptionSecret(KubeStashSamples.SessionWithSpec("dataSource:\n  snapshot: s"), repositoryWithSecret).ToString());
        Assert.Equal(new NamespacedName("infra", "storage"), DataSourceLocation.Storage(Repo()));
    }

    [Fact]
    public void No_encryption_secret_anywhere_is_invalid_input_saying_what_is_unknown()
    {
        var error = Assert.Throws<InvalidInputException>(() => DataSourceLocation.EncryptionSecret(KubeStashSamples.SessionWithSpec("dataSource:\n  snapshot: s"), Repo()));

        Assert.Equal(
            "RestoreSession demo/sample-restore: spec.dataSource.encryptionSecret is not set and Repository demo/gcs-demo-repo has no spec.encryptionSecret; the restic password (RESTIC_PASSWORD) is unknown",
            error.Message);
    }
}
