using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>The typed client against the test API server over real HTTPS, configured from a kubeconfig.</summary>
public sealed class KubernetesApiTests : IClassFixture<KubeTestCluster>
{
    private readonly KubeTestCluster _cluster;

    public KubernetesApiTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    [RequiresCrdsFact]
    public async Task Gets_a_RestoreSession_and_normalises_legacy_rules()
    {
        _cluster.SeedRestoreSession("legacy", legacyRules: true);
        var api = _cluster.CreateApi();

        var session = await api.GetRestoreSessionAsync(KubeTestCluster.Namespace, "legacy", CancellationToken.None);

        Assert.Equal("legacy", session.Metadata.Name);
        Assert.False(string.IsNullOrEmpty(session.Metadata.Uid));
        Assert.Null(session.Spec.Rules);
        Assert.Equal(["/data"], Assert.Single(session.Spec.Target!.Rules!).Paths!);
        Assert.Contains(_cluster.Server.Requests, r => r is { Method: "GET", StatusCode: 200 } && r.PathAndQuery == "/apis/stash.appscode.com/v1beta1/namespaces/demo/restoresessions/legacy");
    }

    [RequiresCrdsFact]
    public async Task Status_put_and_patch_change_only_status_and_a_stale_put_is_a_conflict()
    {
        _cluster.SeedRestoreSession("put-patch");
        var api = _cluster.CreateApi();

        var read = await api.GetStatusAsync(StashApi.RestoreSessions, "demo", "put-patch", CancellationToken.None);
        var edited = read.DeepClone().AsObject();
        edited["status"] = new JsonObject { ["stats"] = new JsonArray(new JsonObject { ["hostname"] = "host-0", ["phase"] = "Running" }) };
        edited["spec"]!["repository"]!["name"] = "changed-through-status";
        var put = await api.ReplaceStatusAsync(StashApi.RestoreSessions, "demo", "put-patch", edited, CancellationToken.None);
        var patched = await api.JsonPatchStatusAsync(StashApi.RestoreSessions, "demo", "put-patch",
            [new JsonObject { ["op"] = "replace", ["path"] = "/status/stats/0/phase", ["value"] = "Succeeded" }], CancellationToken.None);
        var stale = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.ReplaceStatusAsync(StashApi.RestoreSessions, "demo", "put-patch", edited, CancellationToken.None));

        Assert.NotEqual(read["metadata"]!["resourceVersion"]!.GetValue<string>(), put["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("""[{"hostname":"host-0","phase":"Succeeded"}]""", patched["status"]!["stats"]!.ToJsonString());
        Assert.Equal("gcs-repo", _cluster.StoredSession("put-patch")["spec"]!["repository"]!["name"]!.GetValue<string>());
        Assert.Equal(409, KubernetesApiException.StatusCodeOf(stale));
        Assert.Contains("the object has been modified", stale.Message);
    }

    [RequiresCrdsFact]
    public async Task A_merge_patch_on_status_replaces_the_named_field_and_is_sent_as_merge_patch()
    {
        _cluster.SeedRestoreSession("merge", status: """{"stats":[{"hostname":"host-0","phase":"Succeeded"}]}""");
        var api = _cluster.CreateApi();

        var patched = await api.MergePatchStatusAsync(StashApi.RestoreSessions, "demo", "merge",
            new JsonObject { ["status"] = new JsonObject { ["stats"] = new JsonArray(new JsonObject { ["hostname"] = "host-1", ["phase"] = "Running" }) } },
            CancellationToken.None);

        var stored = _cluster.StoredSession("merge");
        Assert.Equal("""[{"hostname":"host-1","phase":"Running"}]""", stored["status"]!["stats"]!.ToJsonString());
        Assert.Equal(stored["status"]!.ToJsonString(), patched["status"]!.ToJsonString());
        Assert.Equal("gcs-repo", (string?)stored["spec"]!["repository"]!["name"]);
        Assert.Contains(_cluster.Server.Requests, r => r is { Method: "PATCH", StatusCode: 200 }
            && r.PathAndQuery == "/apis/stash.appscode.com/v1beta1/namespaces/demo/restoresessions/merge/status"
            && r.ContentType!.StartsWith("application/merge-patch+json", StringComparison.Ordinal));
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
    public async Task Missing_objects_are_a_missing_dependency_with_a_one_line_message_naming_them()
    {
        var api = _cluster.CreateApi();

        var session = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "nope", CancellationToken.None));
        var repository = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRepositoryAsync("demo", "no-repo", CancellationToken.None));
        var secret = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetSecretDataAsync("demo", "no-secret", CancellationToken.None));

        Assert.Equal("restoresessions.stash.appscode.com \"nope\" not found in namespace \"demo\"", session.Message);
        Assert.Equal("repositories.stash.appscode.com \"no-repo\" not found in namespace \"demo\"", repository.Message);
        Assert.Equal("secrets \"no-secret\" not found in namespace \"demo\"", secret.Message);
        Assert.Equal(ExitCodes.DependencyUnavailable, session.ExitCode);
    }

    [RequiresCrdsFact]
    public async Task Gets_a_Repository_and_a_Secret_decoded_with_values_registered_for_masking()
    {
        _cluster.Server.Put("""
            apiVersion: stash.appscode.com/v1alpha1
            kind: Repository
            metadata: {name: gcs-repo, namespace: demo}
            spec:
              backend:
                storageSecretName: gcs-secret
                gcs: {bucket: stash-backup, prefix: demo}
            """);
        _cluster.Server.Put("""
            apiVersion: v1
            kind: Secret
            metadata: {name: gcs-secret, namespace: demo}
            data:
              RESTIC_PASSWORD: cmVzdGljLXBhc3N3b3JkLTEyMw==
              GOOGLE_PROJECT_ID: cHJvamVjdC0x
            """);
        var masker = new SecretMasker();
        var api = _cluster.CreateApi(masker: masker);

        var repository = await api.GetRepositoryAsync("demo", "gcs-repo", CancellationToken.None);
        var secret = await api.GetSecretDataAsync("demo", "gcs-secret", CancellationToken.None);

        Assert.Equal("stash-backup", repository.Spec.Backend!.Gcs!.Bucket);
        Assert.Equal("restic-password-123", secret["RESTIC_PASSWORD"]);
        Assert.Equal("project-1", secret["GOOGLE_PROJECT_ID"]);
        Assert.Equal("pw is ***", masker.Apply("pw is restic-password-123"));
    }

    [Fact]
    public async Task Gets_a_Pod_with_ip_containers_and_named_ports()
    {
        var pod = _cluster.Server.Put("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app-0, namespace: demo}
            spec:
              containers:
              - name: app
                image: nginx
                ports:
                - {name: http, containerPort: 8080}
              - name: sidecar
                image: busybox
            """);
        pod["status"] = new JsonObject { ["podIP"] = "10.244.1.7", ["phase"] = "Running" };
        _cluster.Server.Put(pod);
        var api = _cluster.CreateApi();

        var info = await api.GetPodAsync("demo", "app-0", CancellationToken.None);

        Assert.Equal("10.244.1.7", info.PodIP);
        Assert.Equal(["app", "sidecar"], info.Containers.Select(c => c.Name));
        var port = Assert.Single(info.Containers[0].Ports);
        Assert.Equal(("http", 8080), (port.Name, port.ContainerPort));
    }

    [Fact]
    public async Task Rejected_credentials_say_so_and_never_show_the_token()
    {
        const string badToken = "not-a-valid-token-0123456789";
        var api = _cluster.CreateApi(token: badToken);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "any", CancellationToken.None));

        Assert.Contains("rejected the credentials (401 Unauthorized) when trying to get restoresessions.stash.appscode.com \"any\" in namespace \"demo\"", error.Message);
        Assert.DoesNotContain(badToken, error.ToString());
    }

    [RequiresCrdsFact]
    public async Task A_missing_permission_names_the_verb_resource_and_namespace()
    {
        _cluster.SeedRestoreSession("forbidden-status");
        var token = _cluster.Server.AddToken("system:serviceaccount:demo:restricted",
            new AccessRule("get", "stash.appscode.com", "restoresessions", "demo"),
            new AccessRule("get", "stash.appscode.com", "restoresessions/status", "demo"));
        var api = _cluster.CreateApi(token);
        var store = new KubernetesHostStatus(api, "demo", "forbidden-status", KubeTestCluster.FastRetries, TimeProvider.System, _cluster.Log.Logger);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            store.UpsertAsync(new() { Hostname = "host-0", Phase = "Running" }, CancellationToken.None));

        Assert.StartsWith("permission missing: ", error.Message);
        Assert.Contains("User \"system:serviceaccount:demo:restricted\" cannot patch resource \"restoresessions/status\" in API group \"stash.appscode.com\" in the namespace \"demo\"", error.Message);
        Assert.DoesNotContain(token, error.ToString());
        Assert.Equal(1, store.LastWriteAttempts); // a 403 is not retried
    }

    [RequiresCrdsFact]
    public async Task Transient_errors_are_retried_until_an_answer_arrives()
    {
        _cluster.SeedRestoreSession("flaky");
        var api = _cluster.CreateApi();
        _cluster.Server.ClearRequests();
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [503, 500], MaxFaults = 3, PathContains = "/restoresessions/flaky", Seed = 7 });

        var session = await api.GetRestoreSessionAsync("demo", "flaky", CancellationToken.None);

        Assert.Equal("flaky", session.Metadata.Name);
        var codes = _cluster.Server.Requests.Where(r => r.PathAndQuery.EndsWith("/flaky", StringComparison.Ordinal)).Select(r => r.StatusCode).ToList();
        Assert.Equal(4, codes.Count);
        Assert.Equal(200, codes[^1]);
    }

    [RequiresCrdsFact]
    public async Task Throttling_with_retry_after_and_dropped_connections_are_retried()
    {
        _cluster.SeedRestoreSession("throttled");
        var api = _cluster.CreateApi();
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [429], RetryAfterSeconds = 1, MaxFaults = 1, PathContains = "/restoresessions/throttled", Seed = 1 });

        var session = await api.GetRestoreSessionAsync("demo", "throttled", CancellationToken.None);
        _cluster.Server.Faults.Set(new FaultPlan { DropConnectionRate = 1, MaxFaults = 2, PathContains = "/restoresessions/throttled", Seed = 1 });
        var again = await api.GetRestoreSessionAsync("demo", "throttled", CancellationToken.None);

        Assert.Equal("throttled", session.Metadata.Name);
        Assert.Equal("throttled", again.Metadata.Name);
        Assert.Equal(2, _cluster.Server.Faults.InjectedCount); // both drops were retried through
    }

    [Fact]
    public async Task Not_found_is_not_retried()
    {
        var api = _cluster.CreateApi();
        _cluster.Server.ClearRequests();

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "never-there", CancellationToken.None));

        Assert.Single(_cluster.Server.Requests, r => r.PathAndQuery.EndsWith("/never-there", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Persistent_server_errors_give_up_within_the_time_bound_with_one_line()
    {
        var api = _cluster.CreateApi(options: KubeTestCluster.FastRetries with { MaxRetries = 3 });
        _cluster.Server.Faults.Set(new FaultPlan { Rate = 1, StatusCodes = [503], PathContains = "/restoresessions/down", Seed = 3 });

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "down", CancellationToken.None));

        Assert.Contains("503", error.Message);
        Assert.EndsWith("(gave up after retrying)", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(4, _cluster.Server.Requests.Count(r => r.PathAndQuery.EndsWith("/restoresessions/down", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_unreachable_server_is_a_missing_dependency()
    {
        var configuration = _cluster.LoadConfiguration() with { Server = new Uri("https://127.0.0.1:1") };
        var api = _cluster.CreateApi(configuration, KubeTestCluster.FastRetries with { MaxRetries = 2, TotalTimeout = TimeSpan.FromSeconds(5) });

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => api.GetRestoreSessionAsync("demo", "x", CancellationToken.None));

        Assert.StartsWith("cannot reach the API server https://127.0.0.1:1/ to get restoresessions.stash.appscode.com \"x\" in namespace \"demo\"", error.Message);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
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

    [RequiresCrdsFact]
    public async Task A_rotated_token_file_is_used_for_the_next_request()
    {
        _cluster.SeedRestoreSession("rotation");
        var first = _cluster.Server.AddToken("sa-first", new AccessRule("*", "*", "*"));
        var second = _cluster.Server.AddToken("sa-second", new AccessRule("*", "*", "*"));
        var tokenFile = Path.Combine(_cluster.Directory, $"token-{Guid.NewGuid():N}");
        File.WriteAllText(tokenFile, first);
        var configuration = _cluster.LoadConfiguration() with { Token = BearerTokenSource.FromFile(tokenFile, TimeProvider.System) };
        var api = _cluster.CreateApi(configuration);

        await api.GetRestoreSessionAsync("demo", "rotation", CancellationToken.None);
        File.WriteAllText(tokenFile, second);
        File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddSeconds(5));
        await api.GetRestoreSessionAsync("demo", "rotation", CancellationToken.None);

        var users = _cluster.Server.Requests.Where(r => r.PathAndQuery.EndsWith("/rotation", StringComparison.Ordinal) && r.Method == "GET").Select(r => r.User).ToList();
        Assert.Equal(["sa-first", "sa-second"], users);
    }

    [RequiresCrdsFact]
    public async Task A_token_rotated_without_a_new_mtime_is_picked_up_after_a_401()
    {
        _cluster.SeedRestoreSession("rotation-401");
        var good = _cluster.Server.AddToken("sa-good", new AccessRule("*", "*", "*"));
        var tokenFile = Path.Combine(_cluster.Directory, $"token-{Guid.NewGuid():N}");
        File.WriteAllText(tokenFile, "expired-token-value-000");
        var configuration = _cluster.LoadConfiguration() with { Token = BearerTokenSource.FromFile(tokenFile, TimeProvider.System) };
        _ = configuration.Token!.GetToken();
        var mtime = File.GetLastWriteTimeUtc(tokenFile);
        File.WriteAllText(tokenFile, good);
        File.SetLastWriteTimeUtc(tokenFile, mtime);
        var api = _cluster.CreateApi(configuration);

        var session = await api.GetRestoreSessionAsync("demo", "rotation-401", CancellationToken.None);

        Assert.Equal("rotation-401", session.Metadata.Name);
    }

    /// <summary>The server's kubeconfig with the user's <c>token:</c> line replaced by <paramref name="userLines"/>.</summary>
    private string KubeconfigWithUser(string userLines)
    {
        var path = _cluster.Server.WriteKubeconfig(Path.Combine(_cluster.Directory, $"kubeconfig-{Guid.NewGuid():N}"));
        var text = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), "^    token: .*$", userLines.TrimEnd(), System.Text.RegularExpressions.RegexOptions.Multiline);
        File.WriteAllText(path, text);
        return path;
    }

    [RequiresCrdsFact]
    public async Task A_kubeconfig_exec_plugin_supplies_the_token_which_is_registered_for_masking()
    {
        _cluster.SeedRestoreSession("exec-plugin");
        var token = _cluster.Server.AddToken("system:serviceaccount:demo:from-plugin", new AccessRule("*", "*", "*"));
        var plugin = Path.Combine(_cluster.Directory, $"plugin-{Guid.NewGuid():N}.sh");
        var calls = plugin + ".calls";
        // An EKS/GKE-style plugin: prints an ExecCredential; the environment it got shows it ran as a plugin.
        File.WriteAllText(plugin, $$$"""
            #!/bin/sh
            echo "$1 $PLUGIN_MODE ${KUBERNETES_EXEC_INFO:+exec-info}" >> '{{{calls}}}'
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' '{{{token}}}'
            """);
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var kubeconfig = KubeconfigWithUser($"""
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: {plugin}
                  args: ["get-token"]
                  env:
                  - name: PLUGIN_MODE
                    value: eks
            """);
        var masker = new SecretMasker();

        using var client = KubernetesClient.Create(
            new KubernetesConfigRequest(new Dictionary<string, string>(), KubeconfigPath: kubeconfig), KubeTestCluster.FastRetries, masker, TimeProvider.System, _cluster.Log.Logger);
        var session = await client.Api.GetRestoreSessionAsync("demo", "exec-plugin", CancellationToken.None);

        Assert.Equal("exec-plugin", session.Metadata.Name);
        Assert.Contains(_cluster.Server.Requests, r => r.User == "system:serviceaccount:demo:from-plugin" && r.PathAndQuery.EndsWith("/exec-plugin", StringComparison.Ordinal));
        Assert.Equal("get-token eks exec-info", File.ReadAllLines(calls)[0]);
        Assert.Equal("token *** end", masker.Apply($"token {token} end"));
    }

    [RequiresCrdsFact]
    public async Task A_kubeconfig_token_file_is_used_and_a_rotation_is_picked_up_after_a_401()
    {
        _cluster.SeedRestoreSession("token-file");
        var current = _cluster.Server.AddToken("sa-file-current", new AccessRule("*", "*", "*"));
        var tokenName = $"token-{Guid.NewGuid():N}";
        var tokenPath = Path.Combine(_cluster.Directory, tokenName);
        File.WriteAllText(tokenPath, "expired-projected-token-000\n");
        var kubeconfig = KubeconfigWithUser($"    tokenFile: {tokenName}"); // relative to the kubeconfig
        using var client = KubernetesClient.Create(
            new KubernetesConfigRequest(new Dictionary<string, string>(), KubeconfigPath: kubeconfig), KubeTestCluster.FastRetries, null, TimeProvider.System, _cluster.Log.Logger);
        // Rotated in place after it was read, without a new mtime: only the server's 401 can reveal it.
        var mtime = File.GetLastWriteTimeUtc(tokenPath);
        File.WriteAllText(tokenPath, current + "\n");
        File.SetLastWriteTimeUtc(tokenPath, mtime);
        _cluster.Server.ClearRequests();

        var session = await client.Api.GetRestoreSessionAsync("demo", "token-file", CancellationToken.None);

        Assert.Equal("token-file", session.Metadata.Name);
        var answers = _cluster.Server.Requests.Where(r => r.PathAndQuery.EndsWith("/token-file", StringComparison.Ordinal)).Select(r => (r.StatusCode, r.User)).ToList();
        Assert.Equal([(401, null), (200, "sa-file-current")], answers);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 CreateOtherCa()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=other-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
