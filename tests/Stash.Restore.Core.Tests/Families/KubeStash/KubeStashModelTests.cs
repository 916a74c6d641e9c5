using System.Text.Json;
using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class KubeStashModelTests
{
    [Fact]
    public void The_seed_session_reads_with_every_field_the_executor_uses()
    {
        var session = KubeStashSamples.ReadSession();

        Assert.Equal("sample-restore", session.Metadata.Name);
        Assert.Equal("workload-addon", session.Spec.Addon!.Name);
        Assert.Equal("logical-backup-restore", Assert.Single(session.Spec.Addon.Tasks!).Name);
        var source = session.Spec.DataSource!;
        Assert.Equal(["pod-0", "pod-2"], source.Components!);
        Assert.Equal("encrypt-secret", source.EncryptionSecret!.Name);
        Assert.Equal("gcs-demo-repo", source.Repository);
        Assert.Equal("latest", source.Snapshot);
        Assert.Equal("StatefulSet", session.Spec.Target!.Kind);
        Assert.Equal("10.089085545s", session.Status!.Components!["pod-0"].Duration);
        Assert.Equal(2, session.Status.TotalComponents);
        Assert.Equal("demo", session.DataSourceNamespace());
    }

    [Fact]
    public void Both_resticStats_shapes_read()
    {
        var snapshot = KubeStashSamples.ReadSnapshot();

        var pod0 = snapshot.Status!.Components!["pod-0"];
        Assert.Equal("/source/config", pod0.ResticStats![1].Summary!.HostPath);
        var pod1 = snapshot.Status.Components["pod-1"];
        Assert.Equal("0f1e2d3c", Assert.Single(pod1.ResticStats!).Id);
        Assert.Equal(new DateTimeOffset(2023, 12, 14, 8, 40, 1, TimeSpan.Zero), snapshot.Status.SnapshotTime);
    }

    [Fact]
    public void BackupStorage_fields_use_the_schema_spelling()
    {
        var storage = KubeStashSamples.Objects("""
            apiVersion: storage.kubestash.com/v1alpha1
            kind: BackupStorage
            metadata: {name: s3-storage, namespace: demo}
            spec:
              storage:
                provider: s3
                s3: {endpoint: "http://127.0.0.1:9000", bucket: kubestash, prefix: demo, region: us-east-1, secretName: s3-secret, insecureTLS: true, maxConnections: 8}
            """).Get(new("storage.kubestash.com/v1alpha1", "BackupStorage", "demo", "s3-storage"), KubeStashJsonContext.Default.BackupStorage);

        Assert.True(storage.Spec.Storage!.S3!.InsecureTLS);
        Assert.Equal(8, storage.Spec.Storage.S3.MaxConnections);
        var json = JsonSerializer.Serialize(storage, KubeStashJsonContext.Default.BackupStorage);
        Assert.Contains("\"insecureTLS\":true", json, StringComparison.Ordinal);
        Assert.Contains("\"secretName\":\"s3-secret\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_of_the_wrong_type_names_the_object_and_the_field()
    {
        var objects = KubeStashSamples.Objects("""
            apiVersion: core.kubestash.com/v1alpha1
            kind: RestoreSession
            metadata: {name: bad, namespace: demo}
            spec:
              dataSource:
                components: pod-0
            """);

        var error = Assert.Throws<InvalidInputException>(() =>
            objects.Get(new(RestoreSession.ApiVersionV1Alpha1, RestoreSession.KindName, "demo", "bad"), KubeStashJsonContext.Default.RestoreSession));

        Assert.StartsWith("RestoreSession demo/bad (test objects", error.Message, StringComparison.Ordinal);
        Assert.Contains("wrong type at spec.dataSource.components", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
    }
}
