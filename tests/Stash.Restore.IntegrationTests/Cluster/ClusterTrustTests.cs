using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;
using Stash.Restore.TestApiServer;

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
    public async Task A_server_the_system_store_trusts_but_the_kubeconfig_CA_does_not_is_refused_at_once_saying_why()
    {
        await using var rig = await ClusterRig.StartAsync();
        var kubeconfig = KubeconfigWithCa(rig, CreateOtherCaPem());
        // The "system store" holds exactly the test API server's CA.
        var systemFile = Path.Combine(rig.Repository.Root, "system-ca.pem");
        await File.WriteAllTextAsync(systemFile, rig.Server.CaCertificatePem);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await ExecutorProcess.RunAsync(DryRun(rig, kubeconfig), Environment(rig, systemFile));

        // A refused certificate is not retried (the retry budget is minutes): exit 3 on the first answer.
        Assert.Equal(ExitCodes.DependencyUnavailable, result.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}: the refusal was retried");
        Assert.DoesNotContain("Dry run for", result.Output, StringComparison.Ordinal);
        var error = Assert.Single(result.Error.Split('\n'), line => line.Contains(" ERR ", StringComparison.Ordinal));
        Assert.Contains("the API server is not trusted: its certificate (CN=kube-apiserver, issued by CN=stash-restore-test-ca) does not chain to the CA that kubeconfig", error, StringComparison.Ordinal);
        Assert.Contains("only that CA is trusted for the API server, as kubectl trusts it", error, StringComparison.Ordinal);
        Assert.DoesNotContain("API request failed", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// kubectl takes every certificate of the kubeconfig's CA bundle as a trust anchor, an
    /// intermediate CA too; so does the executor, on the API's HTTPS and on pods/exec's WebSocket.
    /// </summary>
    [RequiresCrdsFact]
    public async Task A_kubeconfig_naming_only_the_intermediate_CA_that_issued_the_server_certificate_is_enough()
    {
        await using var rig = await ClusterRig.StartAsync("StatefulSet", new TestApiServerOptions { IssueFromIntermediateCa = true });
        var kubeconfig = KubeconfigWithCa(rig, rig.Server.IntermediateCaCertificatePem!);
        rig.Server.Put("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"app-0","namespace":"demo"},
             "spec":{"initContainers":[{"name":"stash-init","image":"stash"}],"containers":[{"name":"app","image":"app"}]}}
            """);
        var marker = Path.Combine(rig.Repository.Root, "post-hook-ran");
        var session = rig.PutSession("app-restore", "StatefulSet");
        session["spec"]!["hooks"] = System.Text.Json.Nodes.JsonNode.Parse("""
            {"postRestore":{"containerName":"app","exec":{"command":["/bin/sh","-c","echo {{ .Status.Phase }} > MARKER"]}}}
            """.Replace("MARKER", marker, StringComparison.Ordinal));
        rig.Server.Put(session);
        var target = Path.Combine(rig.Repository.Root, "restored");
        var emptyStore = Path.Combine(rig.Repository.Root, "empty-system-store.pem");
        await File.WriteAllTextAsync(emptyStore, "");

        var result = await ExecutorProcess.RunAsync(
            ["restore", "--restoresession", "app-restore", "--kubeconfig", kubeconfig, "--target-dir", target,
             "--scratch-dir", Path.Combine(rig.Repository.Root, "scratch"), "--log-format", "text"],
            new Dictionary<string, string>(Environment(rig, emptyStore)) { ["POD_NAME"] = "app-0" });

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        Assert.Equal("Succeeded", File.ReadAllText(marker).Trim());
        Assert.Contains(rig.Server.Requests, r => r.PathAndQuery.StartsWith("/api/v1/namespaces/demo/pods/app-0/exec", StringComparison.Ordinal));
    }

    /// <summary>The kubeconfig's tls-server-name is the name the certificate must carry, as kubectl reads it.</summary>
    [RequiresCrdsTheory]
    [InlineData("localhost", true)]
    [InlineData("kubernetes.default.svc", false)]
    public async Task The_certificate_is_checked_for_the_kubeconfigs_tls_server_name(string serverName, bool trusted)
    {
        await using var rig = await ClusterRig.StartAsync();
        var lines = File.ReadAllLines(rig.Kubeconfig).ToList();
        var caLine = lines.FindIndex(line => line.TrimStart().StartsWith("certificate-authority-data:", StringComparison.Ordinal));
        lines.Insert(caLine + 1, lines[caLine][..lines[caLine].IndexOf('c', StringComparison.Ordinal)] + "tls-server-name: " + serverName);
        var kubeconfig = Path.Combine(rig.Repository.Root, "kubeconfig-tls-server-name");
        File.WriteAllLines(kubeconfig, lines);
        var emptyStore = Path.Combine(rig.Repository.Root, "empty-system-store.pem");
        await File.WriteAllTextAsync(emptyStore, "");

        var result = await ExecutorProcess.RunAsync(DryRun(rig, kubeconfig), Environment(rig, emptyStore));

        if (trusted)
        {
            Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
            Assert.Contains("Dry run for RestoreSession demo/app-restore", result.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(ExitCodes.DependencyUnavailable, result.ExitCode);
            Assert.Contains($"the API server is not trusted: its certificate (CN=kube-apiserver) is not issued for {serverName} (the kubeconfig's tls-server-name)", result.Error, StringComparison.Ordinal);
        }
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
