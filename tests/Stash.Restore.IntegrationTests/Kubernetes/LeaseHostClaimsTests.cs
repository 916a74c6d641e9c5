using System.Text.Json.Nodes;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.TestApiServer;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>Host claims as Leases against the test API server, with short durations.</summary>
// The 200-host runs load both cores; lease timings must not compete with them.
[Collection(KubernetesLoadCollection.Name)]
public sealed class LeaseHostClaimsTests : IClassFixture<KubeTestCluster>
{
    private static readonly LeaseClaimOptions Short = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(3),
        RenewInterval = TimeSpan.FromMilliseconds(300),
        RetryInterval = TimeSpan.FromMilliseconds(100),
    };

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly KubeTestCluster _cluster;

    public LeaseHostClaimsTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    private LeaseHostClaims Claims(string session, string holder) =>
        new(_cluster.CreateApi(), KubeTestCluster.Namespace, session, holder, Short, TimeProvider.System, _cluster.Log.Logger);

    private JsonObject? StoredLease(string name) =>
        _cluster.Server.Get("coordination.k8s.io/v1", "Lease", KubeTestCluster.Namespace, name);

    [Fact]
    public async Task Three_claimants_for_one_host_take_turns_and_all_get_it_after_release()
    {
        var holders = 0;
        var maxHolders = 0;
        var order = new List<string>();
        var tasks = new[] { "pod-a", "pod-b", "pod-c" }.Select(pod => Task.Run(async () =>
        {
            var claims = Claims("turns", LeaseHostClaims.NewHolderIdentity(pod));
            using var timeout = new CancellationTokenSource(Patience);
            await using (await claims.AcquireAsync("host-0", timeout.Token))
            {
                var now = Interlocked.Increment(ref holders);
                InterlockedMax(ref maxHolders, now);
                lock (order)
                    order.Add(pod);
                await Task.Delay(400);
                Interlocked.Decrement(ref holders);
            }
        })).ToList();

        await Task.WhenAll(tasks);

        Assert.Equal(1, maxHolders);
        Assert.Equal(["pod-a", "pod-b", "pod-c"], order.Order());
        var lease = StoredLease(LeaseHostClaims.LeaseName("turns", "host-0"))!;
        Assert.Null(lease["spec"]!["holderIdentity"]);
        Assert.Equal(2, lease["spec"]!["leaseTransitions"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_claim_taken_over_by_another_holder_cancels_lost()
    {
        var claims = Claims("takeover", LeaseHostClaims.NewHolderIdentity("pod-a"));
        await using var claim = await claims.AcquireAsync("host-1", CancellationToken.None);
        Assert.False(claim.Lost.IsCancellationRequested);

        var name = LeaseHostClaims.LeaseName("takeover", "host-1");
        var lease = StoredLease(name)!;
        lease["spec"]!["holderIdentity"] = "intruder_12345678";
        _cluster.Server.Put(lease);

        await WaitForLostAsync(claim);
        Assert.Equal("intruder_12345678", StoredLease(name)!["spec"]!["holderIdentity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Renewals_failing_longer_than_the_lease_duration_cancel_lost()
    {
        var claims = Claims("failing", LeaseHostClaims.NewHolderIdentity("pod-a"));
        await using var claim = await claims.AcquireAsync("host-2", CancellationToken.None);

        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [503], PathContains = "/leases/" + LeaseHostClaims.LeaseName("failing", "host-2"), Seed = 5 });
        await WaitForLostAsync(claim);
        _cluster.Server.Faults.Clear();

        Assert.Contains(_cluster.Log.Events, e => e.RenderMessage().Contains("Lost the claim on host \"host-2\"", StringComparison.Ordinal) && e.RenderMessage().Contains("renewals have failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_lease_of_a_dead_holder_is_taken_over()
    {
        var name = LeaseHostClaims.LeaseName("expired", "host-0");
        _cluster.Server.Put(new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = KubeTestCluster.Namespace },
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = "dead-pod_00000000",
                ["leaseDurationSeconds"] = 15,
                ["renewTime"] = LeaseHostClaims.MicroTime(DateTimeOffset.UtcNow.AddMinutes(-5)),
                ["leaseTransitions"] = 4,
            },
        });
        var holder = LeaseHostClaims.NewHolderIdentity("pod-new");

        using var timeout = new CancellationTokenSource(Patience);
        await using var claim = await Claims("expired", holder).AcquireAsync("host-0", timeout.Token);

        var spec = StoredLease(name)!["spec"]!;
        Assert.Equal(holder, spec["holderIdentity"]!.GetValue<string>());
        Assert.Equal(5, spec["leaseTransitions"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_live_lease_of_another_holder_makes_the_caller_wait()
    {
        var first = await Claims("waiting", LeaseHostClaims.NewHolderIdentity("pod-a")).AcquireAsync("host-0", CancellationToken.None);
        var waiting = Claims("waiting", LeaseHostClaims.NewHolderIdentity("pod-b")).AcquireAsync("host-0", CancellationToken.None);

        await Task.Delay(Short.LeaseDuration * 1.5); // longer than a lease: renewals keep it held
        Assert.False(waiting.IsCompleted, waiting.Exception?.ToString() ?? _cluster.Log.Text);
        await first.DisposeAsync();
        await using var second = await waiting.WaitAsync(Patience);

        Assert.False(second.Lost.IsCancellationRequested);
    }

    private static async Task WaitForLostAsync(IUnitClaim claim)
    {
        try
        {
            await Task.Delay(Patience, claim.Lost);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        Assert.Fail($"the claim was not lost within {Patience}");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
