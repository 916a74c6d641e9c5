using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Kubernetes;

/// <summary>The API server a run talks to: whether its certificate is checked against the system store, and how messages show it.</summary>
public sealed class ApiServerConnectionTests
{
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

    [Fact]
    public void The_connection_shows_as_server_and_source_without_a_password_in_the_url()
    {
        var connection = new ApiServerConnection
        {
            Server = new Uri("https://admin:hunter2-secret@10.0.0.1:6443/"),
            Source = "kubeconfig /root/.kube/config (context prod, user admin)",
            Token = BearerTokenSource.Fixed("token-never-shown"),
        };

        Assert.Equal("https://admin:***@10.0.0.1:6443/ via kubeconfig /root/.kube/config (context prod, user admin)", connection.ToString());
    }

    private static X509Certificate2 SelfSignedCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=cluster-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
