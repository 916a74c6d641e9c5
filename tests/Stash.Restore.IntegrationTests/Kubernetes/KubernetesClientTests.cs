using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>The transport wired from one configuration: the in-cluster service account reaches the server with its token masked; the server's certificate is checked against the configured CA unless skip-verify is set.</summary>
public sealed class KubernetesClientTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;

    public KubernetesClientTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    [RequiresCrdsFact]
    public async Task In_cluster_service_account_configuration_reaches_the_server_and_registers_the_token_for_masking()
    {
        _cluster.SeedRestoreSession("in-cluster");
        var token = _cluster.Server.AddToken("system:serviceaccount:demo:stash-restore", new AccessRule("*", "*", "*"));
        var serviceAccount = Path.Combine(_cluster.Directory, $"sa-{Guid.NewGuid():N}");
        Directory.CreateDirectory(serviceAccount);
        File.WriteAllText(Path.Combine(serviceAccount, "token"), token);
        File.WriteAllText(Path.Combine(serviceAccount, "ca.crt"), _cluster.Server.CaCertificatePem);
        File.WriteAllText(Path.Combine(serviceAccount, "namespace"), "demo");
        var environment = new Dictionary<string, string>
        {
            ["KUBERNETES_SERVICE_HOST"] = _cluster.Server.BaseAddress.Host,
            ["KUBERNETES_SERVICE_PORT"] = _cluster.Server.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var masker = new SecretMasker();

        using var client = KubernetesClient.Create(
            new KubernetesConfigRequest(environment, ServiceAccountDirectory: serviceAccount), KubeTestCluster.FastRetries, masker, TimeProvider.System, _cluster.Log.Logger);
        var session = await client.Api.GetRestoreSessionAsync(client.Configuration.Namespace!, "in-cluster", CancellationToken.None);

        Assert.Equal("in-cluster", session.Metadata.Name);
        Assert.Equal("*** was the token", masker.Apply($"{token} was the token"));
        Assert.Contains(_cluster.Server.Requests, r => r.User == "system:serviceaccount:demo:stash-restore" && r.PathAndQuery.EndsWith("/in-cluster", StringComparison.Ordinal));
    }

    [RequiresCrdsFact]
    public async Task A_server_certificate_from_another_CA_is_refused_and_skip_verify_accepts_it()
    {
        using var otherCa = CreateOtherCa();
        var configuration = _cluster.LoadConfiguration() with
        {
            CertificateAuthorities = [otherCa],
        };
        _cluster.SeedRestoreSession("tls");
        var refused = _cluster.CreateApi(configuration, KubeTestCluster.FastRetries with { MaxRetries = 1 });
        var insecure = _cluster.CreateApi(configuration with { CertificateAuthorities = null, InsecureSkipTlsVerify = true });

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => refused.GetRestoreSessionAsync("demo", "tls", CancellationToken.None));
        var session = await insecure.GetRestoreSessionAsync("demo", "tls", CancellationToken.None);

        Assert.StartsWith("cannot reach the API server ", error.Message, StringComparison.Ordinal);
        Assert.Contains(": the API server is not trusted: its certificate (CN=kube-apiserver, issued by CN=stash-restore-test-ca) does not chain to the CA that ", error.Message, StringComparison.Ordinal);
        Assert.Equal("tls", session.Metadata.Name);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 CreateOtherCa()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=other-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
