using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Tests.Platform;

public sealed class SystemCertificateStoreUseTests
{
    [Theory]
    // Nothing checks a peer against the store: the API client has its CA, no metrics or plain-http metrics.
    [InlineData(false, false, null, false)]
    [InlineData(false, false, "https://pushgateway.monitoring:9091", false)] // metrics off: the URL is never used
    [InlineData(false, true, "http://stash-operator.kube-system.svc:56789", false)]
    [InlineData(false, true, "stash-operator.kube-system.svc:56789", false)] // a bare host:port is pushed over http
    [InlineData(false, true, "", false)] // --metrics-enabled without a URL pushes nothing
    // Something does.
    [InlineData(true, false, null, true)] // the API client trusts the system store
    [InlineData(false, true, "https://pushgateway.monitoring:9091", true)]
    [InlineData(false, true, "HTTPS://pushgateway.monitoring:9091/", true)]
    [InlineData(false, true, "ftp://pushgateway", true)] // refused later; until then assume the store is needed
    public void The_store_is_needed_only_when_a_peer_is_checked_against_it(bool apiServerUsesStore, bool metricsEnabled, string? pushgatewayUrl, bool needed)
    {
        Assert.Equal(needed, SystemCertificateStoreUse.IsNeeded(apiServerUsesStore, metricsEnabled, pushgatewayUrl));
    }
}
