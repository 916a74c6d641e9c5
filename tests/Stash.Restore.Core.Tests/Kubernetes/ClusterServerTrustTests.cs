using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Kubernetes;

/// <summary>
/// The API server's certificate against the credentials' CA bundle, as kubectl (client-go) checks
/// it: every certificate of the bundle is an anchor, a root or an intermediate; nothing else is.
/// Each case builds the chain as the TLS handshake does (the handshake's policy, what the server
/// sent as extra certificates) and hands the result to the check.
/// </summary>
public sealed class ClusterServerTrustTests : IDisposable
{
    private const string Source = "kubeconfig /home/u/.kube/config (context c, user u)";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly Authority _root = Authority.Root("CN=cluster-root");
    private readonly Authority _intermediate;
    private readonly X509Certificate2 _server;

    public ClusterServerTrustTests()
    {
        _intermediate = _root.Issue("CN=cluster-issuing-ca");
        _server = _intermediate.ServerCertificate("CN=kube-apiserver");
    }

    [Fact]
    public void The_root_in_the_bundle_trusts_a_server_that_sends_its_intermediate()
    {
        Assert.True(Handshake([_root.Certificate], _server, sent: [_intermediate.Certificate]));
    }

    [Fact]
    public void The_root_and_the_intermediate_in_the_bundle_trust_a_server_that_sends_only_its_own_certificate()
    {
        Assert.True(Handshake([_root.Certificate, _intermediate.Certificate], _server, sent: []));
    }

    [Fact]
    public void The_intermediate_alone_in_the_bundle_is_an_anchor_as_kubectl_takes_it()
    {
        Assert.True(Handshake([_intermediate.Certificate], _server, sent: [_intermediate.Certificate]));
        Assert.True(Handshake([_intermediate.Certificate], _server, sent: []));
    }

    [Fact]
    public void Another_CA_is_refused_saying_which_certificate_and_which_credentials()
    {
        using var other = Authority.Root("CN=other-ca");

        var refused = Assert.Throws<ApiServerNotTrustedException>(() => Handshake([other.Certificate], _server, sent: [_intermediate.Certificate]));

        Assert.StartsWith("the API server is not trusted: its certificate (CN=kube-apiserver, issued by CN=cluster-issuing-ca) does not chain to the CA that " + Source + " names (", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("); only that CA is trusted for the API server, as kubectl trusts it", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_intermediate_with_the_anchors_name_but_another_key_is_refused()
    {
        using var forgedRoot = Authority.Root("CN=cluster-root");
        using var forged = forgedRoot.Issue("CN=cluster-issuing-ca");
        using var server = forged.ServerCertificate("CN=kube-apiserver");

        Assert.Throws<ApiServerNotTrustedException>(() => Handshake([_intermediate.Certificate], server, sent: [forged.Certificate]));
    }

    [Fact]
    public void An_expired_server_certificate_under_the_named_intermediate_is_refused()
    {
        using var expired = _intermediate.ServerCertificate("CN=kube-apiserver", notAfter: Now.AddMinutes(-1));

        Assert.Throws<ApiServerNotTrustedException>(() => Handshake([_intermediate.Certificate], expired, sent: [_intermediate.Certificate]));
    }

    [Fact]
    public void A_certificate_not_for_server_authentication_is_refused()
    {
        using var clientOnly = _intermediate.ServerCertificate("CN=kube-apiserver", usage: "1.3.6.1.5.5.7.3.2");

        Assert.Throws<ApiServerNotTrustedException>(() => Handshake([_intermediate.Certificate], clientOnly, sent: [_intermediate.Certificate]));
    }

    [Fact]
    public void A_certificate_for_another_host_is_refused_even_from_the_named_root()
    {
        var trust = new ClusterServerTrust(new X509Certificate2Collection(_root.Certificate), Source);

        var refused = Assert.Throws<ApiServerNotTrustedException>(() =>
            trust.Validate(new object(), _server, null, SslPolicyErrors.RemoteCertificateNameMismatch));

        Assert.Equal("the API server is not trusted: its certificate (CN=kube-apiserver) is not issued for the host connected to", refused.Message);
    }

    [Fact]
    public void With_a_tls_server_name_the_certificate_must_carry_that_name_whatever_host_was_connected_to()
    {
        var named = new ClusterServerTrust(new X509Certificate2Collection(_root.Certificate), Source, serverName: "kubernetes.default.svc");
        var other = new ClusterServerTrust(new X509Certificate2Collection(_root.Certificate), Source, serverName: "api.example.com");
        using var chain = new X509Chain { ChainPolicy = named.ChainPolicy() };
        chain.ChainPolicy.ExtraStore.Add(_intermediate.Certificate);
        Assert.True(chain.Build(_server));
        // Connected to 10.0.0.1, which the certificate does not name: the handshake reports a mismatch.
        const SslPolicyErrors connectedByAddress = SslPolicyErrors.RemoteCertificateNameMismatch;

        Assert.True(named.Validate(new object(), _server, chain, connectedByAddress));
        var refused = Assert.Throws<ApiServerNotTrustedException>(() => other.Validate(new object(), _server, chain, SslPolicyErrors.None));
        Assert.Equal("the API server is not trusted: its certificate (CN=kube-apiserver) is not issued for api.example.com (the kubeconfig's tls-server-name)", refused.Message);
    }

    [Fact]
    public void No_certificate_is_refused()
    {
        var trust = new ClusterServerTrust(new X509Certificate2Collection(_root.Certificate), Source);

        Assert.Throws<ApiServerNotTrustedException>(() => trust.Validate(new object(), null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    public void Dispose()
    {
        _server.Dispose();
        _intermediate.Dispose();
        _root.Dispose();
    }

    /// <summary>What SslStream does: build with the handshake's policy and what the server sent, then ask the check.</summary>
    private static bool Handshake(X509Certificate2[] bundle, X509Certificate2 server, X509Certificate2[] sent)
    {
        var trust = new ClusterServerTrust(new X509Certificate2Collection(bundle), Source);
        using var chain = new X509Chain { ChainPolicy = trust.ChainPolicy() };
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        chain.ChainPolicy.ExtraStore.AddRange(sent);
        var errors = chain.Build(server) ? SslPolicyErrors.None : SslPolicyErrors.RemoteCertificateChainErrors;
        return trust.Validate(new object(), server, chain, errors);
    }

    /// <summary>A CA with its key, to issue certificates in a test.</summary>
    private sealed class Authority(X509Certificate2 certificate) : IDisposable
    {
        public X509Certificate2 Certificate { get; } = certificate;

        public static Authority Root(string name)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = CaRequest(name, key);
            return new Authority(request.CreateSelfSigned(Now.AddHours(-1), Now.AddDays(2)));
        }

        public Authority Issue(string name)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var issued = CaRequest(name, key).Create(Certificate, Now.AddHours(-1), Now.AddDays(1), Serial());
            return new Authority(issued.CopyWithPrivateKey(key));
        }

        public X509Certificate2 ServerCertificate(string name, DateTimeOffset? notAfter = null, string usage = "1.3.6.1.5.5.7.3.1")
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("kubernetes.default.svc");
            request.CertificateExtensions.Add(san.Build());
            return request.Create(Certificate, Now.AddMinutes(-30), notAfter ?? Now.AddHours(12), Serial());
        }

        public void Dispose() => Certificate.Dispose();

        private static CertificateRequest CaRequest(string name, ECDsa key)
        {
            var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            return request;
        }

        private static byte[] Serial()
        {
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7F;
            return serial;
        }
    }
}
