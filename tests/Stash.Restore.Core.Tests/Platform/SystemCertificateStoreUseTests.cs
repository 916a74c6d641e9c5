using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Stash.Restore.Core.Kubernetes;
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

    [Theory]
    [InlineData("https://10.0.0.1:6443", true, false, false)] // the cluster's CA alone
    [InlineData("https://10.0.0.1:6443", false, false, true)] // no CA: the system store
    [InlineData("https://10.0.0.1:6443", false, true, false)] // insecure-skip-tls-verify checks nothing
    [InlineData("http://127.0.0.1:8001", false, false, false)] // kubectl proxy: no TLS at all
    public void The_API_client_uses_the_store_only_over_TLS_with_no_CA_of_its_own(string server, bool withCa, bool insecure, bool usesStore)
    {
        using var ca = withCa ? SelfSignedCa() : null;
        var configuration = new ApiServerConnection
        {
            Server = new Uri(server),
            Source = "test",
            CertificateAuthorities = ca is null ? null : new X509Certificate2Collection(ca),
            InsecureSkipTlsVerify = insecure,
        };

        Assert.Equal(usesStore, configuration.ChecksServerAgainstSystemStore);
    }

    private static X509Certificate2 SelfSignedCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=cluster-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
