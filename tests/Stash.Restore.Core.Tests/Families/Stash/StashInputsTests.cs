using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>
/// <see cref="StashInputs.LoadAsync"/> over real files: the session read once and checked before anything
/// else is read, then its Repository, then the backend Secret, each from where the session and flags say.
/// </summary>
public sealed class StashInputsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stash-inputs-").FullName;
    private readonly SecretMasker _masker = new();
    private static readonly PodIdentity Pod = new("db-0", "demo", "node-1", null, "db-0");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Session = StashFileObjectsTests.Session;
    private const string RepositoryDocument = StashFileObjectsTests.RepositoryDocument;
    private static string SecretDocument => StashFileObjectsTests.SecretDocument;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private RecordingStashObjectSource Objects(params string[] documents) =>
        new(StashFileObjects.Of(ObjectSet.Read([Write($"objects-{Guid.NewGuid():N}.yaml", string.Join("\n---\n", documents))], "demo"), _masker));

    private Task<StashInputs> LoadAsync(IStashObjectSource source, SessionSelector? selector = null, string? secretDirectory = null) =>
        StashInputs.LoadAsync(source, selector ?? new SessionSelector("demo", "app-restore"), secretDirectory, Pod, "host-7", _masker, CancellationToken.None);

    [Fact]
    public async Task Reads_the_session_once_then_its_repository_in_the_namespace_it_names_then_that_repositorys_secret()
    {
        var source = Objects(Session, RepositoryDocument, SecretDocument);

        var inputs = await LoadAsync(source);

        Assert.Equal(["RestoreSession demo/app-restore", "Repository backups/app-repo", "Secret backups/app-creds"], source.Reads);
        Assert.Equal(("demo", "app-restore"), (inputs.Session.Metadata.Namespace, inputs.Session.Metadata.Name));
        Assert.Equal("app-repo", inputs.Repository.Metadata.Name);
        Assert.Equal(StashFileObjectsTests.Password, inputs.RepositorySecret["RESTIC_PASSWORD"]);
        Assert.Equal((Pod, "host-7"), (inputs.Pod, inputs.HostOverride));
        // The secret was registered once, where it was read.
        Assert.Equal(["Secret backups/app-creds"], _masker.Registrations.Select(r => r.Source));
    }

    [Fact]
    public async Task A_repository_reference_without_a_namespace_is_looked_up_in_the_sessions_namespace()
    {
        var source = Objects(
            Session.Replace("{name: app-repo, namespace: backups}", "{name: app-repo}"),
            RepositoryDocument.Replace("namespace: backups", "namespace: demo"),
            SecretDocument.Replace("namespace: backups", "namespace: demo"));

        await LoadAsync(source);

        Assert.Equal(["RestoreSession demo/app-restore", "Repository demo/app-repo", "Secret demo/app-creds"], source.Reads);
    }

    [Fact]
    public async Task An_invalid_session_is_exit_2_before_its_missing_repository_or_secret_is_looked_for()
    {
        // Neither the Repository nor the Secret is in the files: the session's own problem is what the user must fix first.
        var source = Objects(Session.Replace("- paths: [/data]", "- paths: [/data]\n    snapshots: [1a2b3c4d]"));

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => LoadAsync(source));

        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.Contains("spec.rules[0]: sets both snapshots and paths", error.Message);
        Assert.Equal(["RestoreSession demo/app-restore"], source.Reads);
    }

    [Fact]
    public async Task A_session_this_executor_does_not_restore_is_exit_2_before_anything_else_is_read()
    {
        var source = Objects(Session.Replace("kind: StatefulSet, name: db", "kind: AppBinding, name: pg"));

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => LoadAsync(source));

        Assert.Equal("RestoreSession demo/app-restore restores a database through its AppBinding's addon task; stash-restore restores files (workloads and PVCs) only", error.Message);
        Assert.Equal(["RestoreSession demo/app-restore"], source.Reads);
    }

    [Fact]
    public async Task Target_flags_naming_another_target_are_exit_2_listing_each_mismatch()
    {
        var source = Objects(Session, RepositoryDocument, SecretDocument);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            LoadAsync(source, new SessionSelector("demo", "app-restore", TargetKind: "Deployment", TargetName: "db", TargetNamespace: "prod")));

        Assert.Equal(
            "RestoreSession demo/app-restore: its target does not match --target-* flags: kind Deployment (session has StatefulSet), namespace prod (session has demo)",
            error.Message);
        Assert.Equal(["RestoreSession demo/app-restore"], source.Reads);
    }

    [Fact]
    public async Task Target_flags_matching_the_target_case_insensitively_in_kind_are_accepted()
    {
        var source = Objects(Session, RepositoryDocument, SecretDocument);

        var inputs = await LoadAsync(source, new SessionSelector("demo", "app-restore", TargetKind: "statefulset", TargetName: "db", TargetNamespace: "demo"));

        Assert.Equal("db", inputs.Session.Spec.Target!.Ref!.Name);
    }

    [Fact]
    public async Task The_secret_directory_wins_over_the_repositorys_secret_which_is_then_never_read()
    {
        var secretDirectory = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(secretDirectory, "RESTIC_PASSWORD"), "from-the-mounted-dir");
        var source = Objects(Session, RepositoryDocument, SecretDocument);

        var inputs = await LoadAsync(source, secretDirectory: secretDirectory);

        Assert.Equal("from-the-mounted-dir", Assert.Single(inputs.RepositorySecret).Value);
        Assert.DoesNotContain(source.Reads, r => r.StartsWith("Secret ", StringComparison.Ordinal));
        Assert.Equal([$"Secret directory '{secretDirectory}'"], _masker.Registrations.Select(r => r.Source));
        Assert.Equal("***", _masker.Apply("from-the-mounted-dir"));
    }

    [Fact]
    public async Task An_empty_repository_name_is_exit_2_with_the_API_or_objects_but_not_with_a_repository_file()
    {
        var unnamed = Session.Replace("{name: app-repo, namespace: backups}", "{name: \"\"}");
        var secretDirectory = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(secretDirectory, "RESTIC_PASSWORD"), "x-password");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => LoadAsync(Objects(unnamed, RepositoryDocument, SecretDocument)));
        var fromFiles = await LoadAsync(StashFileObjects.Of(Write("rs.yaml", unnamed), Write("repo.yaml", RepositoryDocument), secretDirectory, _masker),
            secretDirectory: secretDirectory);

        Assert.Equal("RestoreSession demo/app-restore: spec.repository.name is empty", error.Message);
        Assert.Equal("app-repo", fromFiles.Repository.Metadata.Name);
    }

    [Fact]
    public async Task A_repository_naming_no_secret_without_a_secret_directory_is_exit_2_naming_the_field()
    {
        var source = Objects(Session, RepositoryDocument.Replace("storageSecretName: app-creds", "storageSecretName: \" \""), SecretDocument);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => LoadAsync(source));

        Assert.Equal("Repository backups/app-repo: spec.backend.storageSecretName is empty and no --secret-dir was given", error.Message);
    }

    [Fact]
    public async Task A_password_written_into_a_rest_url_is_masked_once_the_repository_is_read()
    {
        var rest = RepositoryDocument.Replace("local: {mountPath: /safe/data, subPath: repo}", "rest: {url: \"https://restic:url-pa55word@backup.example:8000/repo\"}");
        var source = Objects(Session, rest, SecretDocument);

        await LoadAsync(source);

        Assert.Equal("https://restic:***@backup.example:8000/repo", _masker.Apply("https://restic:url-pa55word@backup.example:8000/repo"));
    }

    [Fact]
    public void A_target_of_claim_templates_alone_is_named_by_its_first_template_as_Stash_names_it()
    {
        var session = new RestoreSession
        {
            Metadata = new ObjectMeta { Name = "pvc-restore", Namespace = "demo" },
            Spec = new RestoreSessionSpec
            {
                Repository = new RepositoryReference { Name = "minio-repo" },
                Target = new RestoreTarget { Replicas = 3, VolumeClaimTemplates = [new JsonObject { ["metadata"] = new JsonObject { ["name"] = "data-db" } }] },
            },
        };
        StashInputs.EnsureTargetMatches(session, new SessionSelector("demo", "pvc-restore", "", "data-db", "demo"), "RestoreSession demo/pvc-restore");
        var e = Assert.Throws<InvalidInputException>(() =>
            StashInputs.EnsureTargetMatches(session, new SessionSelector("demo", "pvc-restore", "", "other", "demo"), "RestoreSession demo/pvc-restore"));
        Assert.Equal("RestoreSession demo/pvc-restore: its target does not match --target-* flags: name other (session has none)", e.Message);
    }
}
