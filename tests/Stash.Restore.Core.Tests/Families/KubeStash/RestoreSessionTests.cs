using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class RestoreSessionTests
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
