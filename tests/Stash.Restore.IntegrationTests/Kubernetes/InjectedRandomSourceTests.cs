using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Platform;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>
/// The client hands the random source it was created with (the Cli's composition root passes
/// one) to the parts that name things: Event names and Lease holders, as the API server stores them.
/// </summary>
public sealed class InjectedRandomSourceTests : IClassFixture<KubeTestCluster>
{
    private sealed class FixedRandomSource(string digits) : IRandomSource
    {
        public double NextDouble() => 0.5;

        public string HexDigits(int hexDigits) => string.Concat(Enumerable.Repeat(digits, (hexDigits / digits.Length) + 1))[..hexDigits];
    }

    private readonly KubeTestCluster _cluster;

    public InjectedRandomSourceTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    private KubernetesClient Client() =>
        KubernetesClient.Create(_cluster.LoadConfiguration(), KubeTestCluster.FastRetries, null, TimeProvider.System, _cluster.Log.Logger, new FixedRandomSource("c0ffee12"));

    [RequiresCrdsFact]
    public async Task Event_names_end_in_digits_of_the_injected_source()
    {
        _cluster.SeedRestoreSession("random-events");
        using var client = Client();
        var session = await client.Api.GetRestoreSessionAsync("demo", "random-events", CancellationToken.None);

        await client.EventRecorder(StashObjects.EventTarget(session), "app-0").RecordAsync(
            new RestoreEvent(RestoreEventType.Normal, "HostRestoreSucceeded", "host-0 restored"), CancellationToken.None);

        var stored = Assert.Single(_cluster.Server.List("v1", "Event", "demo"), e => e["involvedObject"]?["name"]?.GetValue<string>() == "random-events");
        Assert.Matches(@"^random-events\.[0-9a-f]+c0ff$", stored["metadata"]!["name"]!.GetValue<string>());
    }

    [RequiresCrdsFact]
    public async Task A_lease_holder_is_the_pod_and_digits_of_the_injected_source()
    {
        // The session's namespace must exist for its Leases.
        _cluster.SeedRestoreSession("random-leases");
        using var client = Client();

        await using (await client.UnitClaims(StashObjects.ClaimScope, KubeTestCluster.Namespace, "random-leases", "pod-a").AcquireAsync("host-0", CancellationToken.None))
        {
            var lease = _cluster.Server.Get("coordination.k8s.io/v1", "Lease", KubeTestCluster.Namespace, LeaseUnitClaims.LeaseName("random-leases", "host-0", StashObjects.ClaimScope));
            Assert.Equal("pod-a_c0ffee12", lease?["spec"]?["holderIdentity"]?.GetValue<string>());
        }
    }
}
