using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

/// <summary>One component of a Snapshot restored: chosen, handed to the engine, its <c>status.components[c]</c> entry written.</summary>
public sealed class KubeStashComponentRestoreTests
{
    private const string SnapshotName = "gcs-demo-repo-sample-backup-sts-demo-session-1702543201";

    private readonly FakeResticRestore _restic = new();
    private readonly RecordingEvents _events = new();
    private readonly InMemoryComponentStatus _status = new(null);

    private static KubeStashInputs Inputs()
    {
        // No spec.dataSource.components: every component is selected, so a name the Snapshot lacks reaches the restore.
        var session = KubeStashSamples.SessionWithSpec("""
            dataSource:
              repository: gcs-demo-repo
              snapshot: latest
              encryptionSecret: {name: encrypt-secret, namespace: demo}
            """);
        var storage = KubeStashSamples.Objects("""
            apiVersion: storage.kubestash.com/v1alpha1
            kind: BackupStorage
            metadata: {name: s3-storage, namespace: demo}
            spec:
              storage:
                provider: s3
                s3: {endpoint: "http://127.0.0.1:9000", bucket: kubestash, prefix: demo, secretName: s3-secret}
            """).Get(new ObjectKey(BackupStorage.ApiVersionV1Alpha1, BackupStorage.KindName, "demo", "s3-storage"), KubeStashJsonContext.Default.BackupStorage);
        var repository = new Repository
        {
            Metadata = new() { Name = "gcs-demo-repo", Namespace = "demo" },
            Spec = new RepositorySpec { Path = "sts", StorageRef = new ObjectReference { Name = "s3-storage" } },
        };
        return new KubeStashInputs(session, KubeStashSamples.ReadSnapshot(), "spec.dataSource.snapshot", repository, storage,
            new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "s3-secret-key-value" },
            new SecretReference("demo", "encrypt-secret", "encryption secret (spec.dataSource.encryptionSecret)"),
            new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "enc-pw-value" });
    }

    private Task<UnitOutcome> RestoreAsync(string component)
    {
        var parts = new RestoreParts<IComponentStatusStore>(_restic, new FakeHookExecutor(), _status, _events, new LosableClaims(), null, new SecretMasker(),
            new LoggerConfiguration().CreateLogger(), TimeProvider.System);
        var restore = new KubeStashComponentRestore(parts, new RestoreSettings("/restore", "/tmp/scratch"), new Interruption());
        return restore.RestoreAsync(Inputs(), new ComponentRequest(component, null, null, new Dictionary<string, string>()), CancellationToken.None);
    }

    [Fact]
    public async Task A_component_the_Snapshot_lacks_is_recorded_Failed_with_a_warning_and_exits_1_without_running_restic()
    {
        var outcome = await RestoreAsync("pod-3");

        const string error = $"component \"pod-3\" not found in snapshot \"{SnapshotName}\" (it has: pod-0, pod-1, pod-2)";
        Assert.Equal((ExitCodes.RestoreFailed, UnitPhase.Failed, "pod-3"), (outcome.ExitCode, outcome.Phase, outcome.Unit.Name));
        var entry = Assert.Single((await _status.ReadAsync(CancellationToken.None))!.Components!);
        Assert.Equal(("pod-3", UnitPhase.Failed, "0s", error), (entry.Key, entry.Value.Phase, entry.Value.Duration, entry.Value.Error));
        var warning = Assert.Single(_events.Events);
        Assert.Equal((RestoreEventType.Warning, "ComponentRestoreFailed", $"Failed to restore component \"pod-3\": {error}"), (warning.Type, warning.Reason, warning.Message));
        Assert.Equal(0, _restic.Runs);
    }

    [Fact]
    public async Task A_component_of_the_Snapshot_restores_each_of_its_snapshot_ids_from_its_own_repository_and_is_recorded_Succeeded()
    {
        var outcome = await RestoreAsync("pod-0");

        Assert.Equal((ExitCodes.Success, UnitPhase.Succeeded), (outcome.ExitCode, outcome.Phase));
        var request = Assert.Single(_restic.PlannedRequests);
        Assert.Equal(
            ["4a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff0", "5b2c3d4e5f60718293a4b5c6d7e8f901122334455667788"],
            request.Selections.Select(s => s.SnapshotId));
        Assert.Equal("s3:http://127.0.0.1:9000/kubestash/demo/sts/repository/v1/demo-session/pod-0",
            ResticBackends.Build(request.Location, request.Credentials, "/tmp/creds").Environment["RESTIC_REPOSITORY"]);
        Assert.Equal(1, _restic.Runs);
        var entry = (await _status.ReadAsync(CancellationToken.None))!.Components!["pod-0"];
        Assert.Equal(UnitPhase.Succeeded, entry.Phase);
        Assert.Null(entry.Error);
        var restored = Assert.Single(_events.Events);
        Assert.Equal((RestoreEventType.Normal, "ComponentRestoreSucceeded"), (restored.Type, restored.Reason));
        Assert.Contains("component \"pod-0\"", restored.Message, StringComparison.Ordinal);
    }
}
