using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>
/// The API server is trusted through the CA the credentials name, and through nothing else, as
/// kubectl trusts it: a server only the system store trusts is refused.
/// Runs the executor as a child process so <c>SSL_CERT_FILE</c>/<c>SSL_CERT_DIR</c> (the system
/// store .NET reads on Linux) apply to it alone.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class ClusterTrustTests
{
    [RequiresCrdsFact]
    public async Task A_server_the_system_store_trusts_but_the_kubeconfig_CA_does_not_is_refused()
    {
        await using var rig = await ClusterRig.StartAsync();
        var kubeconfig = KubeconfigWithCa(rig, CreateOtherCaPem());
        // The "system store" holds exactly the test API server's CA.
        var systemFile = Path.Combine(rig.Repository.Root, "system-ca.pem");
        await File.WriteAllTextAsync(systemFile, rig.Server.CaCertificatePem);

        using var process = ExecutorProcess.Start(DryRun(rig, kubeconfig), Environment(rig, systemFile));
        var stdout = process.StandardOutput.ReadToEndAsync();
        // Refused handshakes are retried; the first retry's debug line is the answer we need.
        var failure = await FirstLineContaining(process.StandardError, "API request failed", TimeSpan.FromSeconds(60));
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        Assert.True(failure is not null, $"no refused request was logged; stdout: {await stdout}");
        Assert.Contains("SSL", failure, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Dry run for", await stdout, StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task The_kubeconfig_CA_alone_is_enough_with_an_empty_system_store()
    {
        await using var rig = await ClusterRig.StartAsync();
        var emptyFile = Path.Combine(rig.Repository.Root, "system-ca.pem");
        await File.WriteAllTextAsync(emptyFile, "");

        var result = await ExecutorProcess.RunAsync(DryRun(rig, rig.Kubeconfig), Environment(rig, emptyFile));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("Dry run for RestoreSession demo/app-restore", result.Output, StringComparison.Ordinal);
    }

    private static string[] DryRun(ClusterRig rig, string kubeconfig) =>
        ["restore", "--restoresession", "app-restore", "--kubeconfig", kubeconfig, "--host", "host-0", "--dry-run",
         "--scratch-dir", Path.Combine(rig.Repository.Root, "scratch"), "--log-level", "debug", "--log-format", "text"];

    private static Dictionary<string, string> Environment(ClusterRig rig, string systemCaFile) => new()
    {
        ["PATH"] = $"{rig.WrapperDirectory}:{System.Environment.GetEnvironmentVariable("PATH")}",
        ["POD_NAMESPACE"] = ClusterRig.Namespace,
        ["SSL_CERT_FILE"] = systemCaFile,
        ["SSL_CERT_DIR"] = Directory.CreateDirectory(Path.Combine(rig.Repository.Root, "no-system-certs")).FullName,
    };

    private static string KubeconfigWithCa(ClusterRig rig, string caPem)
    {
        var original = File.ReadAllText(rig.Kubeconfig);
        var served = Convert.ToBase64String(Encoding.ASCII.GetBytes(rig.Server.CaCertificatePem));
        Assert.Contains(served, original, StringComparison.Ordinal);
        var path = Path.Combine(rig.Repository.Root, "kubeconfig-other-ca");
        File.WriteAllText(path, original.Replace(served, Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem)), StringComparison.Ordinal));
        return path;
    }

    private static async Task<string?> FirstLineContaining(StreamReader reader, string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                    return line;
            }
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }

    private static string CreateOtherCaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=other-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem();
    }
}
