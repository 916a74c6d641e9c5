using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class KubeStashResticRequestTests
{
    private static readonly ResticInstallation Restic018 = new("/usr/bin/restic", new Version(0, 18, 0));

    private static BackupStorage S3Storage() => KubeStashSamples.Objects("""
        apiVersion: storage.kubestash.com/v1alpha1
        kind: BackupStorage
        metadata: {name: s3-storage, namespace: infra}
        spec:
          storage:
            provider: s3
            s3: {endpoint: "http://127.0.0.1:9000", bucket: kubestash, prefix: demo, region: us-east-1, secretName: s3-secret}
        """).Get(new ObjectKey(BackupStorage.ApiVersionV1Alpha1, BackupStorage.KindName, "infra", "s3-storage"), KubeStashJsonContext.Default.BackupStorage);

    private static readonly Repository Repo = new()
    {
        Metadata = new() { Name = "gcs-demo-repo", Namespace = "demo" },
        Spec = new RepositorySpec { Path = "sts", StorageRef = new ObjectReference { Name = "s3-storage", Namespace = "infra" } },
    };

    private static readonly SecretReference Encryption = new("demo", "encrypt-secret", "encryption secret (spec.dataSource.encryptionSecret)");

    [Fact]
    public void A_component_becomes_one_restic_restore_per_id_against_its_own_repository()
    {
        var component = ComponentSnapshots.From(KubeStashSamples.ReadSnapshot(), "pod-0");
        var location = DataSourceLocation.ForComponent(S3Storage(), Repo, component.Path);
        var request = KubeStashResticRequest.Build(
            location,
            new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "s3-secret-key-value" },
            Encryption,
            new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "enc-pw-value" },
            component,
            new RestoreFilters([], ["/source/data/tmp"]));

        var plan = ResticPlanner.Plan(request, new ResticRestoreOptions("/", "/kubestash-tmp", EnableCache: true, MaxConnections: null, Priority: null), Restic018);

        Assert.Equal(
            [
                "restore 4a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff0 --target / --exclude /source/data/tmp --json -vv --cache-dir /kubestash-tmp/restic-cache",
                "restore 5b2c3d4e5f60718293a4b5c6d7e8f901122334455667788 --target / --exclude /source/data/tmp --json -vv --cache-dir /kubestash-tmp/restic-cache",
            ],
            plan.Invocations.Select(i => string.Join(' ', i.Process.Arguments)));
        Assert.Equal("snapshot 5b2c3d4e5f60718293a4b5c6d7e8f901122334455667788 of component pod-0 (/source/config)", plan.Invocations[1].Description);
        var environment = plan.Invocations[0].Process.Environment;
        Assert.Equal("s3:http://127.0.0.1:9000/kubestash/demo/sts/repository/v1/demo-session/pod-0", environment["RESTIC_REPOSITORY"]);
        Assert.Equal("enc-pw-value", environment["RESTIC_PASSWORD"]);
        Assert.Equal("us-east-1", environment["AWS_DEFAULT_REGION"]);
        Assert.DoesNotContain(plan.Invocations.SelectMany(i => i.Process.Arguments), a => a.Contains("s3-secret-key-value", StringComparison.Ordinal) || a.Contains("enc-pw-value", StringComparison.Ordinal));
    }

    [Fact]
    public void An_encryption_Secret_without_the_password_is_invalid_input_naming_it()
    {
        var component = ComponentSnapshots.From(KubeStashSamples.ReadSnapshot(), "pod-1");
        var location = DataSourceLocation.ForComponent(S3Storage(), Repo, component.Path);

        var error = Assert.Throws<InvalidInputException>(() => KubeStashResticRequest.Build(
            location, new Dictionary<string, string>(), Encryption, new Dictionary<string, string> { ["password"] = "x" }, component, new RestoreFilters([], [])));

        Assert.Equal("Secret demo/encrypt-secret (encryption secret (spec.dataSource.encryptionSecret)) has no key RESTIC_PASSWORD", error.Message);
    }
}
