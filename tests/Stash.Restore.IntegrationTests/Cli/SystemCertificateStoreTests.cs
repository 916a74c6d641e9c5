using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Cluster;
using Stash.Restore.IntegrationTests.Metrics;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// The executor reads the system certificate store (here <c>SSL_CERT_FILE</c>/<c>SSL_CERT_DIR</c>,
/// which .NET and restic both follow) only when something in the process checks a peer against
/// it; .NET would otherwise read all of it at the first TLS handshake, for nothing. Whatever it
/// does in its own process, restic and the Pushgateway keep the store they were given.
/// The executor runs as a child process: the store is process-wide.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class SystemCertificateStoreTests
{
    [RequiresCrdsAndToolsFact(TestTool.Strace)]
    public async Task With_the_cluster_CA_in_the_kubeconfig_the_system_store_is_never_opened()
    {
        await using var rig = await ClusterRig.StartAsync();
        var store = SystemStore.Write(rig, rig.Server.CaCertificatePem);

        var (result, opened) = await RunTracedAsync(rig, DryRun(rig, rig.Kubeconfig), Environment(rig, store));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("Dry run for RestoreSession demo/app-restore", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(opened, store.Holds);
    }

    /// <summary>The control for the test above: the same watch sees the store read when the API client needs it.</summary>
    [RequiresCrdsAndToolsFact(TestTool.Strace)]
    public async Task With_no_CA_in_the_kubeconfig_the_system_store_is_read_and_trusts_the_server()
    {
        await using var rig = await ClusterRig.StartAsync();
        var store = SystemStore.Write(rig, rig.Server.CaCertificatePem);

        var (result, opened) = await RunTracedAsync(rig, DryRun(rig, KubeconfigWithoutCa(rig)), Environment(rig, store));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("Dry run for RestoreSession demo/app-restore", result.Output, StringComparison.Ordinal);
        Assert.Contains(store.File, opened);
    }

    [RequiresCrdsFact]
    public async Task Restic_is_given_the_system_store_variables_the_executor_was_given()
    {
        await using var rig = await ClusterRig.StartAsync();
        var store = SystemStore.Write(rig, rig.Server.CaCertificatePem);
        // A restic in front of the rig's that writes down the store variables each call sees.
        var seen = Path.Combine(rig.Repository.Root, "restic-store-variables.log");
        var recorder = rig.Repository.CreateDirectory("recording-bin");
        File.WriteAllText(Path.Combine(recorder, "restic"), $"""
            #!/bin/sh
            echo "$1 SSL_CERT_FILE=${"{"}SSL_CERT_FILE-unset{"}"} SSL_CERT_DIR=${"{"}SSL_CERT_DIR-unset{"}"}" >> '{seen}'
            exec '{rig.WrapperDirectory}/restic' "$@"
            """);
        File.SetUnixFileMode(Path.Combine(recorder, "restic"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var target = rig.Repository.CreateDirectory("target");
        var environment = Environment(rig, store);
        environment["PATH"] = $"{recorder}:{environment["PATH"]}";

        var result = await ExecutorProcess.RunAsync(
            ["restore", "--restoresession", "app-restore", "--kubeconfig", rig.Kubeconfig, "--host", "host-0", "--target-dir", target,
             "--scratch-dir", Path.Combine(rig.Repository.Root, "scratch"), "--log-format", "text"], environment);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        var calls = File.ReadAllLines(seen);
        Assert.Contains(calls, line => line.StartsWith("restore ", StringComparison.Ordinal));
        Assert.All(calls, line => Assert.EndsWith($" SSL_CERT_FILE={store.File} SSL_CERT_DIR={store.Directory}", line, StringComparison.Ordinal));
    }

    [RequiresCrdsAndToolsFact(TestTool.Pushgateway)]
    public async Task An_https_Pushgateway_the_system_store_trusts_gets_the_metrics_of_a_cluster_restore()
    {
        await using var rig = await ClusterRig.StartAsync();
        var certificates = TestCertificates.WriteTo(Path.Combine(rig.Repository.Root, "pushgateway-tls"));
        // The API server is trusted through the kubeconfig's CA; the Pushgateway only through the system store.
        var store = SystemStore.Write(rig, certificates.CaPem);
        await using var gateway = await StartTlsPushgatewayAsync(rig, certificates);
        var target = rig.Repository.CreateDirectory("target");

        var result = await ExecutorProcess.RunAsync(
            ["restore", "--restoresession", "app-restore", "--kubeconfig", rig.Kubeconfig, "--host", "host-0", "--target-dir", target,
             "--scratch-dir", Path.Combine(rig.Repository.Root, "scratch"), "--log-format", "text",
             "--metrics-enabled", "--pushgateway-url", gateway.Url.AbsoluteUri], Environment(rig, store));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.DoesNotContain("Pushgateway", result.Error, StringComparison.Ordinal);
        TestTree.AssertEqual(rig.Original, rig.RestoredData(target));
        using var trusting = TrustingOnly(certificates.CaPem);
        var samples = await PushgatewayFixture.ScrapeAsync(gateway.Url, trusting);
        Assert.Contains(samples, s => s.Name == "stash_restore_host_restore_success" && s.Value == 1 && s.Labels.GetValueOrDefault("hostname") == "host-0");
    }

    /// <summary>A "system store" of one CA: the file holds it, the directory a copy under its OpenSSL hash-style name.</summary>
    private sealed record SystemStore(string File, string Directory)
    {
        public static SystemStore Write(ClusterRig rig, string caPem)
        {
            var directory = rig.Repository.CreateDirectory("system-certs");
            var file = Path.Combine(rig.Repository.Root, "system-ca.pem");
            System.IO.File.WriteAllText(file, caPem);
            System.IO.File.WriteAllText(Path.Combine(directory, "test-ca.pem"), caPem);
            return new SystemStore(file, directory);
        }

        public bool Holds(string path) => path == File || path == Directory || path.StartsWith(Directory + "/", StringComparison.Ordinal);
    }

    private static string[] DryRun(ClusterRig rig, string kubeconfig) =>
        ["restore", "--restoresession", "app-restore", "--kubeconfig", kubeconfig, "--host", "host-0", "--dry-run",
         "--scratch-dir", Path.Combine(rig.Repository.Root, "scratch"), "--log-format", "text"];

    private static Dictionary<string, string> Environment(ClusterRig rig, SystemStore store) => new()
    {
        ["PATH"] = $"{rig.WrapperDirectory}:{System.Environment.GetEnvironmentVariable("PATH")}",
        ["POD_NAMESPACE"] = ClusterRig.Namespace,
        ["SSL_CERT_FILE"] = store.File,
        ["SSL_CERT_DIR"] = store.Directory,
    };

    /// <summary>Runs the executor under strace; returns its result and every path its process tree opened.</summary>
    private static async Task<(Cli.CliResult Result, List<string> Opened)> RunTracedAsync(ClusterRig rig, string[] args, Dictionary<string, string> environment)
    {
        var trace = Path.Combine(rig.Repository.Root, $"opened-{Guid.NewGuid():N}.trace");
        var result = await ExecutorProcess.RunAsync(args, environment, runUnder: [TestTools.Strace!, "-f", "-qq", "-e", "trace=open,openat", "-o", trace]);
        var opened = System.IO.File.ReadAllLines(trace)
            .Select(line => line.IndexOf('"', StringComparison.Ordinal) is var start and >= 0 && line.IndexOf('"', start + 1) is var end and > 0
                ? line[(start + 1)..end]
                : null)
            .OfType<string>()
            .ToList();
        // The watch saw the executor itself: it opened its kubeconfig.
        Assert.Contains(args[Array.IndexOf(args, "--kubeconfig") + 1], opened);
        return (result, opened);
    }

    private static string KubeconfigWithoutCa(ClusterRig rig)
    {
        var lines = File.ReadAllLines(rig.Kubeconfig);
        Assert.Contains(lines, line => line.TrimStart().StartsWith("certificate-authority-data:", StringComparison.Ordinal));
        var path = Path.Combine(rig.Repository.Root, "kubeconfig-no-ca");
        File.WriteAllLines(path, lines.Where(line => !line.TrimStart().StartsWith("certificate-authority-data:", StringComparison.Ordinal)));
        return path;
    }

    private static async Task<TlsPushgateway> StartTlsPushgatewayAsync(ClusterRig rig, TestCertificates certificates)
    {
        var webConfig = Path.Combine(rig.Repository.Root, "pushgateway-web.yml");
        File.WriteAllText(webConfig, $"tls_server_config:\n  cert_file: {certificates.CertificateFile}\n  key_file: {certificates.KeyFile}\n");
        var port = ServerProcess.FreePort();
        var url = new Uri($"https://127.0.0.1:{port}/");
        var probe = TrustingOnly(certificates.CaPem);
        var server = await ServerProcess.StartAsync("pushgateway (TLS)", TestTools.Pushgateway,
            [$"--web.listen-address=127.0.0.1:{port}", "--persistence.file=", $"--web.config.file={webConfig}"],
            ServerProcess.AnswersHttp(new Uri(url, "-/ready"), probe), TimeSpan.FromSeconds(30));
        return new TlsPushgateway(server, url, probe);
    }

    private sealed record TlsPushgateway(ServerProcess Server, Uri Url, HttpMessageHandler Probe) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Probe.Dispose();
            await Server.DisposeAsync();
        }
    }

    /// <summary>A handler that trusts <paramref name="caPem"/> and nothing else.</summary>
    private static SocketsHttpHandler TrustingOnly(string caPem)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(caPem));
        return new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy } };
    }
}
