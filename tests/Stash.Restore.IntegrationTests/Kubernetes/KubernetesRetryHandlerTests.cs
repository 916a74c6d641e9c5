using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>The retry policy in the HTTP pipeline, against the test API server's injected faults: 5xx, 429 with Retry-After and dropped connections retried until an answer; not-found never retried; a persistent failure given up within the time bound in one line.</summary>
public sealed class KubernetesRetryHandlerTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;

    public KubernetesRetryHandlerTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    [RequiresCrdsFact]
    public async Task Transient_errors_are_retried_until_an_answer_arrives()
    {
        _cluster.SeedRestoreSession("flaky");
        var api = _cluster.CreateApi();
        _cluster.Server.ClearRequests();
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [503, 500], MaxFaults = 3, PathContains = "/restoresessions/flaky", Seed = 7 });

        var session = await api.GetRestoreSessionAsync("demo", "flaky", CancellationToken.None);

        Assert.Equal("flaky", session.Metadata.Name);
        var codes = _cluster.Server.Requests.Where(r => r.PathAndQuery.EndsWith("/flaky", StringComparison.Ordinal)).Select(r => r.StatusCode).ToList();
        Assert.Equal(4, codes.Count);
        Assert.Equal(200, codes[^1]);
    }

    [RequiresCrdsFact]
    public async Task Throttling_with_retry_after_and_dropped_connections_are_retried()
    {
        _cluster.SeedRestoreSession("throttled");
        var api = _cluster.CreateApi();
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [429], RetryAfterSeconds = 1, MaxFaults = 1, PathContains = "/restoresessions/throttled", Seed = 1 });

        var session = await api.GetRestoreSessionAsync("demo", "throttled", CancellationToken.None);
        _cluster.Server.Faults.Set(new FaultPlan { DropConnectionRate = 1, MaxFaults = 2, PathContains = "/restoresessions/throttled", Seed = 1 });
        var again = await api.GetRestoreSessionAsync("demo", "throttled", CancellationToken.None);

        Assert.Equal("throttled", session.Metadata.Name);
        Assert.Equal("throttled", again.Metadata.Name);
        Assert.Equal(2, _cluster.Server.Faults.InjectedCount); // both drops were retried through
    }

    [Fact]
    public async Task Not_found_is_not_retried()
    {
        var api = _cluster.CreateApi();
        _cluster.Server.ClearRequests();

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "never-there", CancellationToken.None));

        Assert.Single(_cluster.Server.Requests, r => r.PathAndQuery.EndsWith("/never-there", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Persistent_server_errors_give_up_within_the_time_bound_with_one_line()
    {
        var api = _cluster.CreateApi(options: KubeTestCluster.FastRetries with { MaxRetries = 3 });
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [503], PathContains = "/restoresessions/down", Seed = 3 });

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "down", CancellationToken.None));

        Assert.Contains("503", error.Message);
        Assert.EndsWith("(gave up after retrying)", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(4, _cluster.Server.Requests.Count(r => r.PathAndQuery.EndsWith("/restoresessions/down", StringComparison.Ordinal)));
    }
}
