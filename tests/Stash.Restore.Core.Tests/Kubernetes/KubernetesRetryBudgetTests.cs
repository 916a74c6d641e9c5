using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Kubernetes;

/// <summary><c>--api-retry-timeout</c>: the client's own budget unless given; given, every call and every status write ends by it.</summary>
public sealed class KubernetesRetryBudgetTests
{
    [Fact]
    public void No_budget_keeps_the_clients_own_2_minutes_a_request_and_3_minutes_a_status_write()
    {
        var options = KubernetesRetryOptions.Within(TimeSpan.Zero);

        Assert.Same(KubernetesRetryOptions.Default, options);
        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30)), (options.TotalTimeout, options.WriteTimeout, options.AttemptTimeout));
    }

    [Fact]
    public void A_short_budget_bounds_the_request_the_status_write_and_one_attempt()
    {
        var options = KubernetesRetryOptions.Within(TimeSpan.FromSeconds(15));

        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15)), (options.TotalTimeout, options.WriteTimeout, options.AttemptTimeout));
        Assert.Equal(KubernetesRetryOptions.Default.MaxWriteAttempts, options.MaxWriteAttempts);
    }

    [Fact]
    public void A_long_budget_keeps_one_attempt_at_30_seconds()
    {
        var options = KubernetesRetryOptions.Within(TimeSpan.FromMinutes(10));

        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30)), (options.TotalTimeout, options.WriteTimeout, options.AttemptTimeout));
    }
}
