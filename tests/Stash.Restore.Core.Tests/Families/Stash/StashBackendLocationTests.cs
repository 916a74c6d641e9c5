using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>A Stash Repository's <c>spec.backend</c>, as written in the CRD, handed to restic's neutral location.</summary>
public sealed class StashBackendLocationTests
{
    private static BackendLocation Of(string backend) => StashBackendLocation.Of(StashObjects.AcceptRepository($$"""
        apiVersion: stash.appscode.com/v1alpha1
        kind: Repository
        metadata: {name: minio-repo, namespace: demo}
        spec:
          backend:
            storageSecretName: minio-creds
        {{backend}}
        """, "Repository demo/minio-repo"));

    [Fact]
    public void Every_field_of_an_s3_backend_reaches_the_location_which_names_the_repository_for_messages()
    {
        var location = Of("    s3: {endpoint: 'https://minio.example:9000', bucket: stash, prefix: demo/db, region: eu-west-1, insecureTLS: true}");

        Assert.Equal(("Repository demo/minio-repo", "spec.backend", "minio-creds"), (location.Owner, location.FieldPath, location.SecretName));
        Assert.Equal(new S3Backend("https://minio.example:9000", "stash", "demo/db", "eu-west-1", true), location.S3);
        Assert.Null(location.Local);
    }

    public static TheoryData<string> Backends => new()
    {
        "    local: {mountPath: /safe/data, subPath: repo}",
        "    gcs: {bucket: b, prefix: p, maxConnections: 4}",
        "    azure: {container: c, prefix: p, maxConnections: 2}",
        "    swift: {container: c, prefix: p}",
        "    b2: {bucket: b, prefix: p, maxConnections: 1}",
        "    rest: {url: 'https://rest.example:8000/repo'}",
        // insecureTLS unset is false.
        "    s3: {endpoint: 's3.amazonaws.com', bucket: b}",
    };

    [Theory]
    [MemberData(nameof(Backends))]
    public void Each_backend_kind_reaches_the_location_as_written_and_only_that_kind(string backend)
    {
        var location = Of(backend);

        object?[] kinds = [location.Local, location.S3, location.Gcs, location.Azure, location.Swift, location.B2, location.Rest];
        var expected = backend.Trim().Split(':')[0] switch
        {
            "local" => (object)new LocalBackend("/safe/data", "repo"),
            "gcs" => new GcsBackend("b", "p", 4),
            "azure" => new AzureBackend("c", "p", 2),
            "swift" => new SwiftBackend("c", "p"),
            "b2" => new B2Backend("b", "p", 1),
            "rest" => new RestBackend("https://rest.example:8000/repo"),
            _ => new S3Backend("s3.amazonaws.com", "b", null, null, false),
        };
        Assert.Equal(expected, Assert.Single(kinds, k => k is not null));
    }

    [Fact]
    public void A_repository_without_a_backend_is_exit_2_naming_it_and_the_field()
    {
        var repository = new Repository { Metadata = new ObjectMeta { Name = "empty-repo", Namespace = "demo" } };

        var error = Assert.Throws<InvalidInputException>(() => StashBackendLocation.Of(repository));

        Assert.Equal("Repository demo/empty-repo: spec.backend is missing", error.Message);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
    }
}
