using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// A CA generated at start and a server certificate it signs (SAN IP 127.0.0.1, DNS localhost);
/// optionally through an intermediate CA, which the server then sends with its certificate, as
/// a cluster whose API server certificate comes from an issuing CA does.
/// </summary>
internal sealed class Certificates : IDisposable
{
    private Certificates(X509Certificate2 ca, X509Certificate2 server, X509Certificate2? intermediate)
    {
        Ca = ca;
        Server = server;
        Intermediate = intermediate;
    }

    /// <summary>The root.</summary>
    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    /// <summary>The CA that issued <see cref="Server"/> when it is not the root.</summary>
    public X509Certificate2? Intermediate { get; }

    public string CaPem => Ca.ExportCertificatePem() + "\n";

    public static Certificates Generate(bool throughIntermediate = false)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=stash-restore-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        var caSki = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false);
        caRequest.CertificateExtensions.Add(caSki);
        using var rootCert = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediateCert = throughIntermediate ? CreateIntermediate(rootCert, caSki, intermediateKey, now) : null;
        using var caCert = intermediateCert is null ? null : intermediateCert.CopyWithPrivateKey(intermediateKey);
        var issuer = caCert ?? rootCert;
        var issuerSki = caCert is null ? caSki : SubjectKeyIdentifier(caCert);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerSki));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = serverRequest.Create(issuer, now.AddMinutes(-5), now.AddDays(1), serial);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        // A PKCS#12 round trip gives a certificate whose key SslStream can use on every platform.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var ca = X509CertificateLoader.LoadCertificate(rootCert.Export(X509ContentType.Cert));
        var intermediate = intermediateCert is null ? null : X509CertificateLoader.LoadCertificate(intermediateCert.Export(X509ContentType.Cert));
        return new Certificates(ca, server, intermediate);
    }

    private static X509Certificate2 CreateIntermediate(X509Certificate2 root, X509SubjectKeyIdentifierExtension rootSki, ECDsa key, DateTimeOffset now)
    {
        var request = new CertificateRequest("CN=stash-restore-test-issuing-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(rootSki));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return request.Create(root, now.AddMinutes(-5), now.AddDays(2), serial);
    }

    private static X509SubjectKeyIdentifierExtension SubjectKeyIdentifier(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Intermediate?.Dispose();
    }
}
