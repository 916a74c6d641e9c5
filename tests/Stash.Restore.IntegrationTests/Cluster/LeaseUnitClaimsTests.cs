using System.Text.Json.Nodes;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.IntegrationTests.Kubernetes;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.TestApiServer;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>Host claims as Leases against the test API server, with short durations.</summary>
// The 200-host runs load both cores; lease timings must not compete with them.
[Collection(KubernetesLoadCollection.Name)]
public sealed class LeaseUnitClaimsTests : IClassFixture<KubeTestCluster>
{
    private static readonly LeaseClaimOptions Short = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(3),
        RenewInterval = TimeSpan.FromMilliseconds(300),
        RetryInterval = TimeSpan.FromMilliseconds(100),
    };

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly KubeTestCluster _cluster;

    public LeaseUnitClaimsTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    private LeaseUnitClaims Claims(string session, string holder) =>
        new(_cluster.CreateApi(), KubeTestCluster.Namespace, session, holder, Short, TimeProvider.System, _cluster.Log.Logger, StashObjects.ClaimScope);

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
            var claims = Claims("turns", LeaseUnitClaims.NewHolderIdentity(pod));
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
        var lease = StoredLease(LeaseUnitClaims.LeaseName("turns", "host-0", StashObjects.ClaimScope))!;
        Assert.Null(lease["spec"]!["holderIdentity"]);
        Assert.Equal(2, lease["spec"]!["leaseTransitions"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_claim_taken_over_by_another_holder_cancels_lost()
    {
        var claims = Claims("takeover", LeaseUnitClaims.NewHolderIdentity("pod-a"));
        await using var claim = await claims.AcquireAsync("host-1", CancellationToken.None);
        Assert.False(claim.Lost.IsCancellationRequested);

        var name = LeaseUnitClaims.LeaseName("takeover", "host-1", StashObjects.ClaimScope);
        var lease = StoredLease(name)!;
        lease["spec"]!["holderIdentity"] = "intruder_12345678";
        _cluster.Server.Put(lease);

        await WaitForLostAsync(claim);
        Assert.Equal("intruder_12345678", StoredLease(name)!["spec"]!["holderIdentity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Renewals_failing_longer_than_the_lease_duration_cancel_lost()
    {
        var claims = Claims("failing", LeaseUnitClaims.NewHolderIdentity("pod-a"));
        await using var claim = await claims.AcquireAsync("host-2", CancellationToken.None);

        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [503], PathContains = "/leases/" + LeaseUnitClaims.LeaseName("failing", "host-2", StashObjects.ClaimScope), Seed = 5 });
        await WaitForLostAsync(claim);
        _cluster.Server.Faults.Clear();

        Assert.Contains(_cluster.Log.Events, e => e.RenderMessage().Contains("Lost the claim on host \"host-2\"", StringComparison.Ordinal) && e.RenderMessage().Contains("renewals have failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_lease_of_a_dead_holder_is_taken_over()
    {
        var name = LeaseUnitClaims.LeaseName("expired", "host-0", StashObjects.ClaimScope);
        _cluster.Server.Put(new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = KubeTestCluster.Namespace },
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = "dead-pod_00000000",
                ["leaseDurationSeconds"] = 15,
                ["renewTime"] = LeaseUnitClaims.MicroTime(DateTimeOffset.UtcNow.AddMinutes(-5)),
                ["leaseTransitions"] = 4,
            },
        });
        var holder = LeaseUnitClaims.NewHolderIdentity("pod-new");

        using var timeout = new CancellationTokenSource(Patience);
        await using var claim = await Claims("expired", holder).AcquireAsync("host-0", timeout.Token);

        var spec = StoredLease(name)!["spec"]!;
        Assert.Equal(holder, spec["holderIdentity"]!.GetValue<string>());
        Assert.Equal(5, spec["leaseTransitions"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_live_lease_of_another_holder_makes_the_caller_wait()
    {
        var first = await Claims("waiting", LeaseUnitClaims.NewHolderIdentity("pod-a")).AcquireAsync("host-0", CancellationToken.None);
        var waiting = Claims("waiting", LeaseUnitClaims.NewHolderIdentity("pod-b")).AcquireAsync("host-0", CancellationToken.None);

        await Task.Delay(Short.LeaseDuration * 1.5); // longer than a lease: renewals keep it held
        Assert.False(waiting.IsCompleted, waiting.Exception?.ToString() ?? _cluster.Log.Text);
        await first.DisposeAsync();
        await using var second = await waiting.WaitAsync(Patience);

        Assert.False(second.Lost.IsCancellationRequested);
    }

    /// <summary>A service account of the test API server bound to a Role with <paramref name="leaseVerbs"/> on leases (none: no binding).</summary>
    private LeaseUnitClaims ClaimsAsServiceAccount(string serviceAccount, string session, LogCapture log, params string[] leaseVerbs)
    {
        if (leaseVerbs.Length > 0)
        {
            _cluster.Server.Put($$"""
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"{{serviceAccount}}","namespace":"{{KubeTestCluster.Namespace}}"},
                 "rules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":[{{string.Join(',', leaseVerbs.Select(v => $"\"{v}\""))}}]}]}
                """);
            _cluster.Server.Put($$"""
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"{{serviceAccount}}","namespace":"{{KubeTestCluster.Namespace}}"},
                 "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"{{serviceAccount}}"},
                 "subjects":[{"kind":"ServiceAccount","name":"{{serviceAccount}}"}]}
                """);
        }
        var token = _cluster.Server.ServiceAccountToken(KubeTestCluster.Namespace, serviceAccount);
        return new(_cluster.CreateApi(token), KubeTestCluster.Namespace, session, LeaseUnitClaims.NewHolderIdentity("pod-x"), Short, TimeProvider.System, log.Logger, StashObjects.ClaimScope);
    }

    [Fact]
    public async Task The_install_guides_lease_role_grants_every_call_claims_make()
    {
        _cluster.Server.PutAll(File.ReadAllText(RepositoryRoot.File("deploy/rbac/stash-restore-leases.yaml")));
        _cluster.Server.Put($$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"guide-leases","namespace":"{{KubeTestCluster.Namespace}}"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"stash-restore-leases"},
             "subjects":[{"kind":"ServiceAccount","name":"guide-leases"}]}
            """);
        var log = new LogCapture();
        var first = ClaimsAsServiceAccount("guide-leases", "guide", log);
        var second = ClaimsAsServiceAccount("guide-leases", "guide", log);

        // Create, renew (every 300 ms), release, then the other claimant takes it over by update.
        await using (var claim = await first.AcquireAsync("host-0", CancellationToken.None))
        {
            using var patience = new CancellationTokenSource(Patience);
            while (_cluster.Server.Requests.Count(r => r.User == "system:serviceaccount:demo:guide-leases" && r.Method == "PUT") < 2)
                await Task.Delay(50, patience.Token);
            Assert.False(claim.Lost.IsCancellationRequested);
        }
        await using (await second.AcquireAsync("host-0", CancellationToken.None))
        {
        }

        Assert.DoesNotContain(_cluster.Server.Requests, r => r.User == "system:serviceaccount:demo:guide-leases" && r.StatusCode == 403);
        Assert.Empty(log.Rendered(Serilog.Events.LogEventLevel.Warning));
        Assert.Equal(1, StoredLease(LeaseUnitClaims.LeaseName("guide", "host-0", StashObjects.ClaimScope))!["spec"]!["leaseTransitions"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_forbidden_lease_get_restores_unclaimed_with_one_warning_naming_what_to_grant()
    {
        var log = new LogCapture();
        var claims = ClaimsAsServiceAccount("no-leases", "forbidden", log);

        await using var first = await claims.AcquireAsync("host-0", CancellationToken.None);
        await using var second = await claims.AcquireAsync("host-1", CancellationToken.None);

        Assert.False(first.Lost.IsCancellationRequested);
        Assert.False(second.Lost.CanBeCanceled, "an unclaimed unit can never lose its claim");
        var warning = Assert.Single(log.Rendered(Serilog.Events.LogEventLevel.Warning));
        Assert.Contains("User \"system:serviceaccount:demo:no-leases\" cannot get resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"demo\"", warning, StringComparison.Ordinal);
        Assert.Contains("restoring host host-0 without a claim", warning, StringComparison.Ordinal);
        Assert.Contains("coordination.k8s.io leases get/create/update", warning, StringComparison.Ordinal);
        Assert.Contains("docs/install.md#lease-claims", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Events, e => e.Level >= Serilog.Events.LogEventLevel.Error);
        Assert.Null(StoredLease(LeaseUnitClaims.LeaseName("forbidden", "host-0", StashObjects.ClaimScope)));
    }

    [Fact]
    public async Task A_forbidden_create_restores_unclaimed_too()
    {
        var log = new LogCapture();
        var claims = ClaimsAsServiceAccount("get-leases-only", "read-only", log, "get");

        await using var claim = await claims.AcquireAsync("host-0", CancellationToken.None);

        Assert.False(claim.Lost.CanBeCanceled);
        Assert.Contains("cannot create resource \"leases\"", Assert.Single(log.Rendered(Serilog.Events.LogEventLevel.Warning)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forbidden_renewal_goes_on_unclaimed_with_one_warning_and_never_loses_the_claim()
    {
        var log = new LogCapture();
        var claims = ClaimsAsServiceAccount("no-lease-updates", "no-renewals", log, "get", "create");

        await using var claim = await claims.AcquireAsync("host-0", CancellationToken.None);
        // The first renewal (every 300 ms) is refused: wait for its warning, then for longer than the 3 s lease,
        // after which failing renewals would have counted as a lost claim.
        using (var patience = new CancellationTokenSource(Patience))
        {
            while (log.Rendered(Serilog.Events.LogEventLevel.Warning).Count == 0)
                await Task.Delay(50, patience.Token);
        }
        await Task.Delay(Short.LeaseDuration * 2);

        Assert.False(claim.Lost.IsCancellationRequested, string.Join('\n', log.Lines));
        var warning = Assert.Single(log.Rendered(Serilog.Events.LogEventLevel.Warning));
        Assert.Contains("cannot update resource \"leases\"", warning, StringComparison.Ordinal);
        Assert.Contains("is no longer renewed and the restore goes on unclaimed", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Events, e => e.Level >= Serilog.Events.LogEventLevel.Error);
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
