using Serilog.Events;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Kubernetes;

public sealed class KubernetesConfigLoaderTests : IDisposable
{
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.secret-token-value";

    private readonly TempDirectory _temp = new();
    private readonly CollectingSink _log = new();

    public void Dispose() => _temp.Dispose();

    private string ServiceAccount(string token = Token, string ns = "demo")
    {
        using var ca = TestCertificates.CreateCa("cluster-ca");
        _temp.Write("sa/token", token + "\n");
        _temp.Write("sa/ca.crt", ca.ExportCertificatePem());
        _temp.Write("sa/namespace", ns);
        return Path.Combine(_temp.Path, "sa");
    }

    private ApiServerConnection Load(Dictionary<string, string> environment, string? kubeconfig = null, string? master = null, string? context = null, string? serviceAccount = null) =>
        KubernetesConfigLoader.Load(
            new KubernetesConfigRequest(environment, kubeconfig, master, context, serviceAccount ?? Path.Combine(_temp.Path, "no-sa")),
            TimeProvider.System,
            _log.Logger());

    [Fact]
    public void InCluster_reads_token_ca_and_namespace_from_the_service_account_directory()
    {
        var sa = ServiceAccount();
        var config = Load(new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" }, serviceAccount: sa);

        Assert.Equal(new Uri("https://10.96.0.1:443"), config.Server);
        Assert.Equal("demo", config.Namespace);
        Assert.Equal(Token, config.Token!.GetToken());
        Assert.Equal("CN=cluster-ca", Assert.Single(config.CertificateAuthorities!).Subject);
        Assert.Contains("in-cluster", config.Source);
        Assert.DoesNotContain(Token, config.ToString());
    }

    [Fact]
    public void InCluster_brackets_an_IPv6_service_host()
    {
        var sa = ServiceAccount();
        var config = Load(new() { ["KUBERNETES_SERVICE_HOST"] = "fd00:10:96::1", ["KUBERNETES_SERVICE_PORT"] = "6443" }, serviceAccount: sa);

        Assert.Equal("https://[fd00:10:96::1]:6443/", config.Server.AbsoluteUri);
    }

    [Fact]
    public void Master_overrides_the_in_cluster_server()
    {
        var sa = ServiceAccount();
        var config = Load(new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" }, master: "https://api.example:8443", serviceAccount: sa);

        Assert.Equal(new Uri("https://api.example:8443"), config.Server);
        Assert.Equal(Token, config.Token!.GetToken());
    }

    private string Kubeconfig(string name, string clusterExtra, string userBlock, string currentContext = "main")
    {
        using var ca = TestCertificates.CreateCa("kubeconfig-ca");
        return _temp.Write(name, $"""
            apiVersion: v1
            kind: Config
            current-context: {currentContext}
            clusters:
            - name: c1
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority-data: {TestCertificates.Base64(ca.ExportCertificatePem())}
            {clusterExtra}
            contexts:
            - name: main
              context:
                cluster: c1
                user: u1
                namespace: restore-ns
            - name: other
              context:
                cluster: c2
                user: u2
            users:
            {userBlock}
            """);
    }

    private const string TokenUser = """
        - name: u1
          user:
            token: kubeconfig-token-abcdef
        - name: u2
          user:
            token: other-token-123456
        """;

    [Fact]
    public void Kubeconfig_current_context_gives_server_ca_token_and_namespace()
    {
        var path = Kubeconfig("config", "", TokenUser);
        var config = Load([], kubeconfig: path);

        Assert.Equal(new Uri("https://127.0.0.1:6443"), config.Server);
        Assert.Equal("restore-ns", config.Namespace);
        Assert.Equal("kubeconfig-token-abcdef", config.Token!.GetToken());
        Assert.Equal("CN=kubeconfig-ca", Assert.Single(config.CertificateAuthorities!).Subject);
        Assert.False(config.InsecureSkipTlsVerify);
        Assert.DoesNotContain("kubeconfig-token-abcdef", config.Source);
    }

    [Fact]
    public void Kubeconfig_named_context_with_ca_file_and_insecure_flag_is_honoured_with_a_warning()
    {
        using var ca = TestCertificates.CreateCa("file-ca");
        _temp.Write("certs/ca.pem", ca.ExportCertificatePem());
        var path = Kubeconfig("config", """
            - name: c2
              cluster:
                server: https://10.0.0.9:443
                certificate-authority: certs/ca.pem
                insecure-skip-tls-verify: true
            """, TokenUser);

        var config = Load([], kubeconfig: path, context: "other");

        Assert.Equal(new Uri("https://10.0.0.9:443"), config.Server);
        Assert.Equal("other-token-123456", config.Token!.GetToken());
        Assert.True(config.InsecureSkipTlsVerify);
        Assert.Contains(_log.Events, e => e.Level == LogEventLevel.Warning && e.Text.Contains("insecure-skip-tls-verify"));
    }

    [Fact]
    public void Kubeconfig_certificate_authority_file_is_relative_to_the_kubeconfig()
    {
        using var ca = TestCertificates.CreateCa("file-ca");
        _temp.Write("kube/certs/ca.pem", ca.ExportCertificatePem());
        var path = _temp.Write("kube/config", """
            current-context: x
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:1
                certificate-authority: certs/ca.pem
            contexts:
            - name: x
              context: {cluster: c, user: u}
            users:
            - name: u
              user: {tokenFile: token.txt}
            """);
        _temp.Write("kube/token.txt", "file-token-0987\n");

        var config = Load([], kubeconfig: path);

        Assert.Equal("CN=file-ca", Assert.Single(config.CertificateAuthorities!).Subject);
        Assert.Equal("file-token-0987", config.Token!.GetToken());
        Assert.Equal(Path.Combine(_temp.Path, "kube", "token.txt"), config.Token.FilePath);
    }

    [Fact]
    public void Kubeconfig_client_certificate_data_loads_with_its_private_key()
    {
        var (certificate, key) = TestCertificates.CreateClientPem("alice");
        var path = Kubeconfig("config", "", $"""
            - name: u1
              user:
                client-certificate-data: {TestCertificates.Base64(certificate)}
                client-key-data: {TestCertificates.Base64(key)}
            """);

        var config = Load([], kubeconfig: path);

        Assert.Null(config.Token);
        Assert.Equal("CN=alice", config.ClientCertificate!.Subject);
        Assert.True(config.ClientCertificate.HasPrivateKey);
    }

    [Fact]
    public void Kubeconfig_client_certificate_files_load_and_a_missing_key_is_an_error()
    {
        var (certificate, key) = TestCertificates.CreateClientPem("bob");
        _temp.Write("bob.crt", certificate);
        _temp.Write("bob.key", key);
        var withBoth = Kubeconfig("both", "", """
            - name: u1
              user:
                client-certificate: bob.crt
                client-key: bob.key
            """);
        var withoutKey = Kubeconfig("nokey", "", """
            - name: u1
              user:
                client-certificate: bob.crt
            """);

        Assert.Equal("CN=bob", Load([], kubeconfig: withBoth).ClientCertificate!.Subject);
        var error = Assert.Throws<InvalidInputException>(() => Load([], kubeconfig: withoutKey));
        Assert.Contains("needs both the certificate and the key", error.Message);
        Assert.DoesNotContain("PRIVATE KEY", error.Message);
    }

    [Fact]
    public void Kubeconfig_comes_from_the_first_existing_file_of_KUBECONFIG_then_home()
    {
        var first = Kubeconfig("a/config", "", TokenUser);
        var home = Path.Combine(_temp.Path, "home");
        Directory.CreateDirectory(Path.Combine(home, ".kube"));
        File.Copy(first, Path.Combine(home, ".kube", "config"));
        var missing = Path.Combine(_temp.Path, "missing");

        var fromList = Load(new() { ["KUBECONFIG"] = $"{missing}:{first}", ["HOME"] = "/nonexistent" });
        var fromHome = Load(new() { ["HOME"] = home });

        Assert.Contains(first, fromList.Source);
        Assert.Contains(Path.Combine(home, ".kube", "config"), fromHome.Source);
    }

    /// <summary>
    /// KUBECONFIG with several files, as kubectl reads it: the current-context from the first file
    /// that sets one, each context, cluster and user from the first file naming it, and relative
    /// paths (CA file, tokenFile) next to the file they are written in.
    /// </summary>
    [Fact]
    public void Several_KUBECONFIG_files_are_merged_as_kubectl_merges_them()
    {
        using var ca = TestCertificates.CreateCa("team-ca");
        _temp.Write("team/certs/ca.pem", ca.ExportCertificatePem());
        _temp.Write("team/token.txt", "team-token-4242\n");
        var personal = _temp.Write("home/config", """
            current-context: team
            clusters:
            - name: shared
              cluster: {server: "https://first.example:6443", insecure-skip-tls-verify: true}
            contexts:
            - name: mine
              context: {cluster: shared, user: me}
            users:
            - name: me
              user: {token: my-token-1111}
            """);
        var team = _temp.Write("team/config", """
            current-context: mine
            clusters:
            - name: shared
              cluster: {server: "https://second.example:6443"}
            - name: team-cluster
              cluster: {server: "https://team.example:6443", certificate-authority: certs/ca.pem}
            contexts:
            - name: team
              context: {cluster: team-cluster, user: team-user, namespace: team-ns}
            - name: mine
              context: {cluster: team-cluster, user: team-user}
            users:
            - name: team-user
              user: {tokenFile: token.txt}
            """);

        var merged = Load(new() { ["KUBECONFIG"] = $"{personal}:{team}" });
        var mine = Load(new() { ["KUBECONFIG"] = $"{personal}:{team}" }, context: "mine");

        // current-context "team" from the first file; the context, cluster and user from the second.
        Assert.Equal(new Uri("https://team.example:6443"), merged.Server);
        Assert.Equal("team-ns", merged.Namespace);
        Assert.Equal("CN=team-ca", Assert.Single(merged.CertificateAuthorities!).Subject);
        Assert.Equal("team-token-4242", merged.Token!.GetToken());
        Assert.Equal(Path.Combine(_temp.Path, "team", "token.txt"), merged.Token.FilePath);
        Assert.Equal($"kubeconfig '{personal}:{team}' (context 'team', user 'team-user')", merged.Source);
        // "mine" and the cluster "shared" are the first file's, though the second names them too.
        Assert.Equal(new Uri("https://first.example:6443"), mine.Server);
        Assert.Equal("my-token-1111", mine.Token!.GetToken());
    }

    [Fact]
    public void Explicit_kubeconfig_wins_over_the_service_account()
    {
        var sa = ServiceAccount();
        var path = Kubeconfig("config", "", TokenUser);
        var config = Load(new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" }, kubeconfig: path, serviceAccount: sa);

        Assert.Equal("kubeconfig-token-abcdef", config.Token!.GetToken());
    }

    [Fact]
    public void Service_account_wins_over_KUBECONFIG_when_in_a_pod()
    {
        var sa = ServiceAccount();
        var path = Kubeconfig("config", "", TokenUser);
        var config = Load(new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443", ["KUBECONFIG"] = path }, serviceAccount: sa);

        Assert.Equal(Token, config.Token!.GetToken());
    }

    [Fact]
    public void No_configuration_at_all_is_a_missing_dependency_that_says_what_was_tried()
    {
        var error = Assert.Throws<DependencyUnavailableException>(() => Load(new() { ["HOME"] = _temp.Path }));

        Assert.Equal(ExitCodes.DependencyUnavailable, error.ExitCode);
        Assert.Contains("KUBERNETES_SERVICE_HOST", error.Message);
        Assert.Contains("KUBECONFIG", error.Message);
    }

    [Fact]
    public void Missing_kubeconfig_file_and_unknown_context_are_reported_by_name()
    {
        var path = Kubeconfig("config", "", TokenUser);

        var missing = Assert.Throws<DependencyUnavailableException>(() => Load([], kubeconfig: Path.Combine(_temp.Path, "nope")));
        var context = Assert.Throws<InvalidInputException>(() => Load([], kubeconfig: path, context: "staging"));

        Assert.Contains("nope' does not exist", missing.Message);
        Assert.Contains("no context named 'staging'", context.Message);
    }

    [Fact]
    public void Auth_provider_users_are_refused_with_one_line_naming_the_provider()
    {
        var path = Kubeconfig("config", "", """
            - name: u1
              user:
                auth-provider:
                  name: gcp
                  config:
                    access-token: ya29.provider-token-value
            """);

        var error = Assert.Throws<InvalidInputException>(() => Load([], kubeconfig: path));

        Assert.Equal($"kubeconfig '{path}' user 'u1': auth-provider 'gcp' is not supported; use an exec credential plugin, a token, tokenFile or client certificate", error.Message);
        Assert.DoesNotContain("ya29.provider-token-value", error.ToString());
    }

    [Fact]
    public void Exec_plugin_output_that_is_not_a_credential_fails_with_one_line_and_exit_3()
    {
        var plugin = _temp.Write("plugin.sh", "#!/bin/sh\necho 'not json at all'\n");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var path = Kubeconfig("config", "", $"""
            - name: u1
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {plugin}
            """);

        var error = Assert.Throws<DependencyUnavailableException>(() => Load([], kubeconfig: path));

        Assert.StartsWith($"kubeconfig '{path}' user 'u1': external exec failed", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(ExitCodes.DependencyUnavailable, error.ExitCode);
    }

    [Fact]
    public void Kubeconfig_token_file_is_read_relative_to_the_kubeconfig_and_re_read_when_it_changes()
    {
        _temp.Write("tokens/current", "token-from-file-v1\n");
        var path = Kubeconfig("config", "", """
            - name: u1
              user:
                tokenFile: tokens/current
            """);

        var config = Load([], kubeconfig: path);
        var first = config.Token!.GetToken();
        _temp.Write("tokens/current", "token-from-file-v2\n");
        File.SetLastWriteTimeUtc(Path.Combine(_temp.Path, "tokens/current"), DateTime.UtcNow.AddSeconds(5));

        Assert.Equal("token-from-file-v1", first);
        Assert.Equal("token-from-file-v2", config.Token.GetToken());
        Assert.Equal(Path.Combine(_temp.Path, "tokens/current"), config.Token.FilePath);
    }

    [Fact]
    public void A_password_in_the_server_url_is_never_shown()
    {
        var path = Kubeconfig("config", "", TokenUser);

        var config = Load([], kubeconfig: path, master: "https://admin:s3cret-pw@127.0.0.2:7443");
        var invalid = Assert.Throws<InvalidInputException>(() => Load([], kubeconfig: path, master: "ftp://admin:s3cret-pw@host"));

        Assert.Equal("https://admin:***@127.0.0.2:7443/", config.DisplayServer);
        Assert.DoesNotContain("s3cret-pw", config.ToString());
        Assert.Equal("--master: 'ftp://admin:***@host' is not an http(s) URL of an API server", invalid.Message);
    }

    [Fact]
    public void Master_overrides_the_kubeconfig_server()
    {
        var path = Kubeconfig("config", "", TokenUser);
        var config = Load([], kubeconfig: path, master: "https://127.0.0.2:7443");

        Assert.Equal(new Uri("https://127.0.0.2:7443"), config.Server);
        Assert.Equal("kubeconfig-token-abcdef", config.Token!.GetToken());
    }
}
