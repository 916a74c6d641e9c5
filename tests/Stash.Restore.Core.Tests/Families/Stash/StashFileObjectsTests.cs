using System.Text;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>
/// The Stash objects of an offline run, read from real files: the <c>--objects</c> form (found by kind,
/// namespace and name) and the <c>--restoresession-file</c>/<c>--repository-file</c>/<c>--secret-dir</c> form.
/// </summary>
public sealed class StashFileObjectsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stash-file-objects-").FullName;
    private readonly SecretMasker _masker = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal const string Password = "pa55-w0rd-from-data";
    internal const string SecretKey = "s3cr3t-key-from-stringData";

    internal const string Session = """
        apiVersion: stash.appscode.com/v1beta1
        kind: RestoreSession
        metadata: {name: app-restore, namespace: demo}
        spec:
          repository: {name: app-repo, namespace: backups}
          target:
            ref: {apiVersion: apps/v1, kind: StatefulSet, name: db}
          rules:
          - paths: [/data]
        """;

    internal const string RepositoryDocument = """
        apiVersion: stash.appscode.com/v1alpha1
        kind: Repository
        metadata: {name: app-repo, namespace: backups}
        spec:
          backend:
            local: {mountPath: /safe/data, subPath: repo}
            storageSecretName: app-creds
        """;

    internal static string SecretDocument => $"""
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: app-creds, namespace: backups{"}"}
        data:
          RESTIC_PASSWORD: {Convert.ToBase64String(Encoding.UTF8.GetBytes(Password))}
          AWS_ACCESS_KEY_ID: {Convert.ToBase64String(Encoding.UTF8.GetBytes("from-data"))}
        stringData:
          AWS_ACCESS_KEY_ID: minio-user
          AWS_SECRET_ACCESS_KEY: {SecretKey}
        """;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private StashFileObjects Objects(params string[] documents) =>
        StashFileObjects.Of(ObjectSet.Read([Write($"objects-{Guid.NewGuid():N}.yaml", string.Join("\n---\n", documents))], "demo"), _masker);

    [Fact]
    public async Task The_objects_files_serve_the_session_with_its_rules_normalised_the_repository_and_the_decoded_secret()
    {
        var source = Objects(Session, RepositoryDocument, SecretDocument);

        var session = await source.GetRestoreSessionAsync("demo", "app-restore", CancellationToken.None);
        var repository = await source.GetRepositoryAsync("backups", "app-repo", CancellationToken.None);
        var secret = await source.GetSecretAsync("backups", "app-creds", CancellationToken.None);

        // The older top-level spec.rules are moved into the target, as Stash's webhook does, and remembered for messages.
        Assert.Null(session.Spec.Rules);
        Assert.Equal(["/data"], Assert.Single(session.Spec.Target!.Rules!).Paths);
        Assert.Equal(RestoreSessionSpec.LegacyRulesField, session.Spec.RulesField);
        Assert.Equal(("/safe/data", "repo", "app-creds"), (repository.Spec.Backend!.Local!.MountPath, repository.Spec.Backend.Local.SubPath, repository.Spec.Backend.StorageSecretName));
        // data decoded, stringData over it (as the API server merges them).
        Assert.Equal(
            [("AWS_ACCESS_KEY_ID", "minio-user"), ("AWS_SECRET_ACCESS_KEY", SecretKey), ("RESTIC_PASSWORD", Password)],
            secret.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value)));
    }

    [Fact]
    public async Task The_secrets_credentials_are_masked_from_the_moment_they_are_read_and_its_identifiers_are_not()
    {
        var source = Objects(Session, RepositoryDocument, SecretDocument);
        Assert.Equal($"{Password} {SecretKey}", _masker.Apply($"{Password} {SecretKey}"));

        await source.GetSecretAsync("backups", "app-creds", CancellationToken.None);

        Assert.Equal("restic said *** and *** to minio-user", _masker.Apply($"restic said {Password} and {SecretKey} to minio-user"));
        var registration = Assert.Single(_masker.Registrations);
        Assert.Equal("Secret backups/app-creds", registration.Source);
        Assert.Equal(["AWS_SECRET_ACCESS_KEY", "RESTIC_PASSWORD"], registration.MaskedKeys);
        Assert.Equal(["AWS_ACCESS_KEY_ID"], registration.ShownKeys);
    }

    public static TheoryData<string, string> MissingObjects => new()
    {
        { "RestoreSession", "RestoreSession demo/nope not found in the --objects files" },
        { "Repository", "Repository backups/nope not found in the --objects files" },
        { "Secret", "Secret backups/nope not found in the --objects files" },
    };

    [Theory]
    [MemberData(nameof(MissingObjects))]
    public async Task An_object_missing_from_the_objects_files_is_exit_3_naming_it(string kind, string expected)
    {
        var source = Objects(Session, RepositoryDocument, SecretDocument);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => kind switch
        {
            "RestoreSession" => source.GetRestoreSessionAsync("demo", "nope", CancellationToken.None),
            "Repository" => source.GetRepositoryAsync("backups", "nope", CancellationToken.None),
            _ => source.GetSecretAsync("backups", "nope", CancellationToken.None),
        });

        Assert.Equal(expected, error.Message);
        Assert.Equal(ExitCodes.DependencyUnavailable, error.ExitCode);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task An_object_of_the_same_name_in_another_namespace_is_not_the_one_asked_for()
    {
        var source = Objects(Session, RepositoryDocument, SecretDocument);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetRepositoryAsync("demo", "app-repo", CancellationToken.None));

        Assert.Equal("Repository demo/app-repo not found in the --objects files", error.Message);
    }

    [Fact]
    public async Task A_session_in_the_objects_files_with_a_broken_rule_is_exit_2_naming_it_and_the_field()
    {
        var source = Objects(Session.Replace("- paths: [/data]", "- paths: [data]"), RepositoryDocument);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => source.GetRestoreSessionAsync("demo", "app-restore", CancellationToken.None));

        Assert.StartsWith("RestoreSession demo/app-restore is invalid: ", error.Message);
        Assert.Contains("spec.rules[0].paths[0]: \"data\" is not an absolute path", error.Message);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
    }

    [Fact]
    public void Without_a_name_the_only_Stash_session_in_the_files_is_chosen_in_its_own_namespace()
    {
        var other = Session.Replace("name: app-restore, namespace: demo", "name: other, namespace: prod");

        Assert.Equal(new SessionSelector("demo", "app-restore"), Objects(Session, RepositoryDocument).Select(null, "default"));
        // Named: the given namespace, the name trimmed.
        Assert.Equal(new SessionSelector("prod", "other"), Objects(Session, other).Select(" other ", "prod"));
    }

    [Fact]
    public void Without_a_name_no_or_several_Stash_sessions_are_invalid_input_saying_what_to_do()
    {
        var other = Session.Replace("name: app-restore, namespace: demo", "name: other, namespace: prod");

        var none = Assert.Throws<InvalidInputException>(() => Objects(RepositoryDocument).Select(null, "demo"));
        var two = Assert.Throws<InvalidInputException>(() => Objects(Session, other).Select("", "demo"));

        Assert.Equal("the --objects files hold no stash.appscode.com/v1beta1 RestoreSession", none.Message);
        Assert.Equal("the --objects files hold 2 RestoreSessions (demo/app-restore, prod/other); name one with --restoresession and --namespace", two.Message);
    }

    [Fact]
    public async Task The_file_flags_serve_their_session_and_the_one_Repository_whatever_the_session_names()
    {
        var source = StashFileObjects.Of(Write("rs.yaml", Session), Write("repo.yaml", RepositoryDocument.Replace("app-repo", "another-name")), _dir, _masker);

        var selector = source.Select("ignored-name", "demo");
        var session = await source.GetRestoreSessionAsync(selector.Namespace, selector.Name, CancellationToken.None);
        var repository = await source.GetRepositoryAsync("backups", "app-repo", CancellationToken.None);

        Assert.True(source.HoldsOneRepository);
        Assert.False(Objects(Session).HoldsOneRepository);
        Assert.Equal(("demo", "app-restore"), (session.Metadata.Namespace, session.Metadata.Name));
        Assert.Equal("another-name", repository.Metadata.Name);
    }

    [Fact]
    public void The_session_file_without_a_repository_file_or_a_secret_directory_is_invalid_input_naming_the_missing_flag()
    {
        var session = Write("rs.yaml", Session);

        var noRepository = Assert.Throws<InvalidInputException>(() => StashFileObjects.Of(session, null, _dir, _masker));
        var noSecret = Assert.Throws<InvalidInputException>(() => StashFileObjects.Of(session, Write("repo.yaml", RepositoryDocument), " ", _masker));

        Assert.Equal("--restoresession-file needs --repository-file: offline there is no API to read the Repository from", noRepository.Message);
        Assert.Equal("--restoresession-file needs --secret-dir: offline there is no API to read the backend Secret from", noSecret.Message);
        Assert.Equal(ExitCodes.InvalidInput, noRepository.ExitCode);
    }

    [Fact]
    public async Task A_missing_session_or_repository_file_is_exit_3_naming_the_file()
    {
        var missingSession = Path.Combine(_dir, "no-rs.yaml");
        var missingRepository = Path.Combine(_dir, "no-repo.yaml");
        var source = StashFileObjects.Of(missingSession, missingRepository, _dir, _masker);

        var session = await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetRestoreSessionAsync("demo", "", CancellationToken.None));
        var repository = await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetRepositoryAsync("demo", "", CancellationToken.None));

        Assert.StartsWith($"RestoreSession file '{missingSession}': ", session.Message);
        Assert.StartsWith($"Repository file '{missingRepository}': ", repository.Message);
        Assert.Equal(ExitCodes.DependencyUnavailable, session.ExitCode);
    }

    [Fact]
    public async Task The_file_flags_never_read_a_backend_secret_object_they_point_at_the_secret_directory()
    {
        var source = StashFileObjects.Of(Write("rs.yaml", Session), Write("repo.yaml", RepositoryDocument), _dir, _masker);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => source.GetSecretAsync("backups", "app-creds", CancellationToken.None));

        Assert.Equal("the backend Secret backups/app-creds is read through the API or the --objects files: give --secret-dir", error.Message);
        Assert.Empty(_masker.Registrations);
    }
}
