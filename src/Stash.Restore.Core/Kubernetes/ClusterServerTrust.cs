using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// The API server's certificate, checked as kubectl (client-go) checks it. The certificates the
/// credentials name (kubeconfig <c>certificate-authority(-data)</c>, the service account's
/// <c>ca.crt</c>) are the only trust anchors, and each of them is one: a self-signed root or an
/// intermediate CA. The host name must match, or the kubeconfig's <c>tls-server-name</c> when it sets one.
/// </summary>
/// <remarks>
/// .NET's custom-root trust takes only self-signed certificates as anchors. A kubeconfig naming the
/// intermediate CA that issued the server's certificate, which kubectl accepts, would be refused.
/// Such a chain is built again here, with an unknown root allowed. It is accepted only when the
/// path reaches one of the named certificates and no certificate from the server's up to that
/// one has any other fault (signature, validity period, usage). What lies beyond the named
/// certificate does not count, as in client-go.
/// A refusal throws <see cref="ApiServerNotTrustedException"/>, so the error says why and the
/// request is not retried: a certificate does not become trusted by asking again.
/// </remarks>
internal sealed class ClusterServerTrust
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Certificate2Collection _authorities;
    private readonly string _source;
    private readonly string? _serverName;

    /// <param name="authorities">The CA bundle the credentials name.</param>
    /// <param name="source">Where they come from, for messages (<see cref="ApiServerConnection.Source"/>).</param>
    /// <param name="serverName">The kubeconfig's <c>tls-server-name</c>, checked in the certificate instead of the host connected to; null: the host.</param>
    public ClusterServerTrust(X509Certificate2Collection authorities, string source, string? serverName = null)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        if (authorities.Count == 0)
            throw new ArgumentException("no certificate authority given", nameof(authorities));
        _authorities = authorities;
        _source = source;
        _serverName = serverName;
    }

    /// <summary>The chain the TLS handshake builds: the self-signed authorities as roots, the others as intermediates.</summary>
    public X509ChainPolicy ChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // A cluster CA publishes no revocation list, and the pod may not reach one.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(_authorities);
        policy.ExtraStore.AddRange(_authorities);
        return policy;
    }

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>.</summary>
    /// <exception cref="ApiServerNotTrustedException">The certificate is not trusted; the message says why.</exception>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            throw Refused("the server sent no certificate");
        var server = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (_serverName is not null)
        {
            // The handshake checked the host it connected to (pods/exec's WebSocket cannot be told another name).
            if (!server.MatchesHostname(_serverName))
                throw Refused($"its certificate ({server.Subject}) is not issued for {_serverName} (the kubeconfig's tls-server-name)");
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }
        else if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            throw Refused($"its certificate ({server.Subject}) is not issued for {TargetHost(sender)}");
        }
        if (errors == SslPolicyErrors.None)
            return true;
        // Returned, not a constant true after the throw: CA5359 takes a callback that ends in "return true" for one that accepts anything.
        return ReachesAnAuthority(server, chain) ? true : throw Refused(
            $"its certificate ({server.Subject}, issued by {server.Issuer}) does not chain to the CA that {_source} names{Faults(chain)}; only that CA is trusted for the API server, as kubectl trusts it");
    }

    /// <summary>Whether the server's path reaches a named certificate with no other fault on the way.</summary>
    private bool ReachesAnAuthority(X509Certificate2 server, X509Chain? presented)
    {
        using var chain = new X509Chain { ChainPolicy = ChainPolicy() };
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (presented is not null)
        {
            // What the server sent (the handshake put it there) and the path found from it.
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        chain.Build(server);
        try
        {
            foreach (var element in chain.ChainElements)
            {
                if (element.ChainElementStatus.Any(s => (s.Status & ~(X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0))
                    return false;
                if (IsAuthority(element.Certificate))
                    return true;
            }
            return false;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
                element.Certificate.Dispose();
        }
    }

    private bool IsAuthority(X509Certificate2 certificate) =>
        _authorities.Any(authority => authority.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span));

    private static string TargetHost(object sender) =>
        sender is SslStream { TargetHostName: { Length: > 0 } host } ? host : "the host connected to";

    private static string Faults(X509Chain? chain)
    {
        var faults = chain?.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList() ?? [];
        return faults.Count == 0 ? "" : $" ({string.Join(", ", faults)})";
    }

    private static ApiServerNotTrustedException Refused(string why) => new($"the API server is not trusted: {why}");
}

/// <summary>The API server's certificate was refused (<see cref="ClusterServerTrust"/>); never worth retrying.</summary>
internal sealed class ApiServerNotTrustedException(string message) : Exception(message)
{
    /// <summary>The refusal somewhere under <paramref name="e"/>: HTTPS and the WebSocket's handshake wrap it in their own errors.</summary>
    public static ApiServerNotTrustedException? FoundIn(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is ApiServerNotTrustedException refused)
                return refused;
        }
        return null;
    }
}
