using Serilog.Events;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.Kubernetes;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

public sealed class KubernetesEventRecorderTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;

    public KubernetesEventRecorderTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    [RequiresCrdsFact]
    public async Task Records_a_core_v1_event_on_the_RestoreSession_with_its_uid_and_secrets_masked()
    {
        _cluster.SeedRestoreSession("events");
        var api = _cluster.CreateApi();
        var session = await api.GetRestoreSessionAsync("demo", "events", CancellationToken.None);
        var masker = new SecretMasker();
        masker.Add("hunter2-password");
        var recorder = new KubernetesEventRecorder(api, StashObjects.EventTarget(session), "app-7d9f-x2", masker, TimeProvider.System, _cluster.Log.Logger);

        await recorder.RecordAsync(new RestoreEvent(RestoreEventType.Warning, "HostRestoreFailed", "host-0: restic: wrong password hunter2-password"), CancellationToken.None);

        var stored = Assert.Single(_cluster.Server.List("v1", "Event", "demo"), e => e["reason"]?.GetValue<string>() == "HostRestoreFailed");
        Assert.Equal("Warning", stored["type"]!.GetValue<string>());
        Assert.Equal("host-0: restic: wrong password ***", stored["message"]!.GetValue<string>());
        var involved = stored["involvedObject"]!;
        Assert.Equal(("stash.appscode.com/v1beta1", "RestoreSession", "events", "demo", session.Metadata.Uid),
            (involved["apiVersion"]!.GetValue<string>(), involved["kind"]!.GetValue<string>(), involved["name"]!.GetValue<string>(), involved["namespace"]!.GetValue<string>(), involved["uid"]!.GetValue<string>()));
        Assert.Equal("stash-restore", stored["source"]!["component"]!.GetValue<string>());
        Assert.Equal("app-7d9f-x2", stored["source"]!["host"]!.GetValue<string>());
        Assert.Equal(1, stored["count"]!.GetValue<int>());
    }

    [RequiresCrdsFact]
    public async Task A_failure_to_record_is_a_warning_not_an_error()
    {
        _cluster.SeedRestoreSession("events-forbidden");
        var admin = _cluster.CreateApi();
        var session = await admin.GetRestoreSessionAsync("demo", "events-forbidden", CancellationToken.None);
        var token = _cluster.Server.AddToken("system:serviceaccount:demo:no-events", new AccessRule("get", "*", "*"));
        var recorder = new KubernetesEventRecorder(_cluster.CreateApi(token), StashObjects.EventTarget(session), "pod", null, TimeProvider.System, _cluster.Log.Logger);

        await recorder.RecordAsync(new RestoreEvent(RestoreEventType.Normal, "HostRestoreSucceeded", "host-0 restored"), CancellationToken.None);

        Assert.Contains(_cluster.Log.Events, e => e.Level == LogEventLevel.Warning
            && e.RenderMessage().Contains("HostRestoreSucceeded", StringComparison.Ordinal)
            && e.RenderMessage().Contains("cannot create resource \\\"events\\\"", StringComparison.Ordinal));
    }
}
