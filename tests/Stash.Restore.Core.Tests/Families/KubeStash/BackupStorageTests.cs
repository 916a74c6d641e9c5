using System.Text.Json;
using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class BackupStorageTests
{
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
}
