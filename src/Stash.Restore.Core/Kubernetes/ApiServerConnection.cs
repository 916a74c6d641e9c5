using System.Security.Cryptography.X509Certificates;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// Where the API server is and how to authenticate to it: the result of reading the
/// in-cluster service account or a kubeconfig, handed to KubernetesClient.Aot by
/// <see cref="KubernetesClient"/>. Holds no secret in <see cref="ToString"/>.
/// </summary>
internal sealed record ApiServerConnection
{
    public required Uri Server { get; init; }

    /// <summary>The namespace of the service account or the kubeconfig context, if any.</summary>
    public string? Namespace { get; init; }

    /// <summary>CAs trusted for this client only. Null: the system trust store.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    public BearerTokenSource? Token { get; init; }

    /// <summary>Client certificate with its private key (kubeconfig client-certificate/client-key, or an exec plugin's).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The kubeconfig's <c>tls-server-name</c>: the name sent in the handshake and checked in the certificate instead of the server's host.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>
    /// The server's certificate is checked against the system trust store: TLS with neither a CA
    /// of its own nor insecure-skip-tls-verify.
    /// </summary>
    public bool ChecksServerAgainstSystemStore =>
        Server.Scheme == Uri.UriSchemeHttps && !InsecureSkipTlsVerify && CertificateAuthorities is not { Count: > 0 };

    /// <summary>For messages: "in-cluster service account" or "kubeconfig /path (context c, user u)".</summary>
    public required string Source { get; init; }

    /// <summary>The server as messages show it: a password in the URL's userinfo becomes ***.</summary>
    public string DisplayServer => KubernetesErrors.Display(Server);

    public override string ToString() => $"{DisplayServer} via {Source}";
}
