using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>The Repository backend Stash's resolver passes to the restore Job's Functions, turned back into <c>spec.backend</c>.</summary>
public sealed class FunctionBackendTests
{
    private static readonly Dictionary<string, string> Secret = new()
    {
        ["RESTIC_PASSWORD"] = "pw",
        ["AWS_ACCESS_KEY_ID"] = "id",
        ["AWS_SECRET_ACCESS_KEY"] = "key",
        ["REST_SERVER_USERNAME"] = "u",
        ["REST_SERVER_PASSWORD"] = "p",
    };

    /// <summary>RESTIC_REPOSITORY for the Function's backend arguments, through the one Repository → restic mapping.</summary>
    private static string Repository(FunctionBackend backend)
    {
        var location = StashBackendLocation.Of(new Repository { Metadata = new ObjectMeta { Name = "r", Namespace = "demo" }, Spec = new RepositorySpec { Backend = backend.ToBackendSpec("s") } });
        return ResticBackends.Build(location, Secret, "/tmp/creds").Environment["RESTIC_REPOSITORY"]!;
    }

    /// <summary>What Stash's resolver passes for each Repository backend (Backend.Provider/Container/Prefix/Endpoint), and the repository Stash's restic wrapper then opens.</summary>
    [Theory]
    [InlineData("local", "/safe/repo", "", "", "/safe/repo")]
    [InlineData("s3", "stash-backup", "https://minio.storage:9000", "pvc/demo", "s3:https://minio.storage:9000/stash-backup/pvc/demo")]
    [InlineData("gcs", "gbucket", "", "pvc/demo", "gs:gbucket:/pvc/demo")]
    [InlineData("azure", "container", "", "pvc/demo", "azure:container:/pvc/demo")]
    [InlineData("swift", "container", "", "pvc/demo", "swift:container:/pvc/demo")]
    [InlineData("b2", "bbucket", "", "pvc/demo", "b2:bbucket:/pvc/demo")]
    [InlineData("rest", "rest.storage:8000", "http://rest.storage:8000/demo", "/demo", "rest:http://u:p@rest.storage:8000/demo")]
    public void The_backend_arguments_open_the_repository_Stash_opens(string provider, string bucket, string endpoint, string path, string expected) =>
        Assert.Equal(expected, Repository(new FunctionBackend(provider, bucket, endpoint, "", path, false)));

    [Fact]
    public void S3_region_and_insecure_tls_reach_the_repository_spec()
    {
        var spec = new FunctionBackend("S3", "b", "https://minio:9000", "eu-west-1", "p", true).ToBackendSpec("creds");
        Assert.Equal(("eu-west-1", true, "creds"), (spec.S3!.Region, spec.S3.InsecureTLS, spec.StorageSecretName));
    }

    [Theory]
    [InlineData("", "--provider is empty")]
    [InlineData("ftp", "--provider \"ftp\" is not one of local, s3, gcs, azure, swift, b2, rest")]
    public void An_unknown_or_empty_provider_is_invalid_input(string provider, string message)
    {
        var e = Assert.Throws<InvalidInputException>(() => new FunctionBackend(provider, "b", null, null, null, false).ToBackendSpec(null));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}
