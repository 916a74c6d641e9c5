namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

/// <summary>The server is real enough for the installed kubectl: discovery, short names, categories, jsonpath, errors.</summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private TestApiServer _server = null!;
    private TempDir _dir = null!;
    private string _kubeconfig = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _dir = new TempDir();
        _kubeconfig = _server.WriteKubeconfig(Path.Combine(_dir.Path, "kubeconfig"));
        if (_server.CrdDirectory is not null)
            _server.Put(Objects.RestoreSession(status: """{"stats":[{"hostname":"host-0","phase":"Succeeded","duration":"1.2s"}]}"""));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public void Kubeconfig_holds_server_ca_token_and_context_and_is_private()
    {
        var text = File.ReadAllText(_kubeconfig);

        Assert.Contains($"server: {_server.BaseAddress.ToString().TrimEnd('/')}", text, StringComparison.Ordinal);
        Assert.Contains("certificate-authority-data: " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(_server.CaCertificatePem)), text, StringComparison.Ordinal);
        Assert.Contains($"token: {_server.AdminToken}", text, StringComparison.Ordinal);
        Assert.Contains("current-context: test", text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_kubeconfig));
    }

    [RequiresKubectlFact]
    public async Task Get_as_yaml_lists_the_stash_restore_sessions()
    {
        var (code, stdout, stderr) = await Kubectl.RunAsync(_kubeconfig, "get", "restoresessions", "-n", "demo", "-o", "yaml");

        Assert.True(code == 0, stderr);
        Assert.Contains("apiVersion: stash.appscode.com/v1beta1", stdout, StringComparison.Ordinal);
        Assert.Contains("name: x", stdout, StringComparison.Ordinal);
        Assert.Contains("hostname: host-0", stdout, StringComparison.Ordinal);
    }

    [RequiresKubectlFact]
    public async Task Short_name_and_category_print_the_crd_columns()
    {
        var byShortName = await Kubectl.RunAsync(_kubeconfig, "get", "restore", "-n", "demo");
        var byCategory = await Kubectl.RunAsync(_kubeconfig, "get", "stash", "-n", "demo");

        Assert.True(byShortName.ExitCode == 0, byShortName.Stderr);
        Assert.Matches(@"NAME\s+REPOSITORY\s+PHASE\s+DURATION\s+AGE", byShortName.Stdout);
        Assert.Matches(@"\nx\s+repo\s+", byShortName.Stdout);
        Assert.True(byCategory.ExitCode == 0, byCategory.Stderr);
        Assert.Contains("restoresession.stash.appscode.com/x", byCategory.Stdout, StringComparison.Ordinal);
    }

    [RequiresKubectlFact]
    public async Task Jsonpath_reads_the_status_stats()
    {
        var (code, stdout, stderr) = await Kubectl.RunAsync(_kubeconfig, "get", "restoresession", "x", "-n", "demo", "-o", "jsonpath={.status.stats}");

        Assert.True(code == 0, stderr);
        Assert.Equal("""[{"duration":"1.2s","hostname":"host-0","phase":"Succeeded"}]""", stdout);
    }

    [RequiresKubectlFact]
    public async Task Patch_status_and_errors_come_through_kubectl()
    {
        var patched = await Kubectl.RunAsync(_kubeconfig, "patch", "restoresession", "x", "-n", "demo", "--subresource=status",
            "--type=merge", "-p", """{"status":{"stats":[{"hostname":"host-0","phase":"Failed"}]}}""");
        var invalid = await Kubectl.RunAsync(_kubeconfig, "patch", "restoresession", "x", "-n", "demo", "--subresource=status",
            "--type=merge", "-p", """{"status":{"stats":[{"hostname":"host-0","phase":"Bogus"}]}}""");
        var missing = await Kubectl.RunAsync(_kubeconfig, "get", "restoresession", "nope", "-n", "demo");

        Assert.True(patched.ExitCode == 0, patched.Stderr);
        Assert.Equal("Failed", (string?)_server.Get("stash.appscode.com/v1beta1", "RestoreSession", "demo", "x")!["status"]!["stats"]![0]!["phase"]);
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("status.stats[0].phase: Unsupported value: \"Bogus\"", invalid.Stderr, StringComparison.Ordinal);
        Assert.Contains("Error from server (NotFound): restoresessions.stash.appscode.com \"nope\" not found", missing.Stderr, StringComparison.Ordinal);
    }

    [RequiresKubectlFact]
    public async Task A_restricted_token_gets_forbidden_through_kubectl()
    {
        var token = _server.AddToken("system:serviceaccount:demo:restricted",
            new AccessRule("get", "stash.appscode.com", "restoresessions", "demo"),
            new AccessRule("get", "stash.appscode.com", "restoresessions/status", "demo"));
        var kubeconfig = _server.WriteKubeconfig(Path.Combine(_dir.Path, "restricted"), token);

        var get = await Kubectl.RunAsync(kubeconfig, "get", "restoresession", "x", "-n", "demo", "-o", "name");
        var patch = await Kubectl.RunAsync(kubeconfig, "patch", "restoresession", "x", "-n", "demo", "--subresource=status",
            "--type=merge", "-p", """{"status":{"stats":[]}}""");

        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal("restoresession.stash.appscode.com/x\n", get.Stdout);
        Assert.NotEqual(0, patch.ExitCode);
        const string Expected = "Error from server (Forbidden): restoresessions.stash.appscode.com \"x\" is forbidden: User \"system:serviceaccount:demo:restricted\" cannot patch resource \"restoresessions/status\" in API group \"stash.appscode.com\" in the namespace \"demo\"";
        Assert.True(patch.Stderr.Contains(Expected, StringComparison.Ordinal), patch.Stderr);
    }

    [RequiresKubectlFact]
    public async Task Create_and_apply_from_files_use_server_side_field_validation()
    {
        var ns = Path.Combine(_dir.Path, "ns.yaml");
        File.WriteAllText(ns, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: restore-demo\n");
        var good = Path.Combine(_dir.Path, "good.yaml");
        File.WriteAllText(good, Objects.RestoreSession("from-file").Replace("\"demo\"", "\"restore-demo\"", StringComparison.Ordinal));
        var bad = Path.Combine(_dir.Path, "bad.yaml");
        File.WriteAllText(bad, Objects.RestoreSession("bad").Replace("\"spec\": {", "\"spec\": {\"bogus\": 1, ", StringComparison.Ordinal));

        var createdNamespace = await Kubectl.RunAsync(_kubeconfig, "create", "-f", ns);
        var created = await Kubectl.RunAsync(_kubeconfig, "create", "-f", good);
        var applied = await Kubectl.RunAsync(_kubeconfig, "apply", "-f", good);
        var rejected = await Kubectl.RunAsync(_kubeconfig, "create", "-f", bad);

        Assert.True(createdNamespace.ExitCode == 0, createdNamespace.Stderr);
        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Equal("restoresession.stash.appscode.com/from-file created\n", created.Stdout);
        Assert.True(applied.ExitCode == 0, applied.Stderr);
        Assert.NotNull(_server.Get("stash.appscode.com/v1beta1", "RestoreSession", "restore-demo", "from-file")!["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"spec.bogus\"", rejected.Stderr, StringComparison.Ordinal);
    }

    [RequiresKubectlFact]
    public async Task Explain_reads_the_crd_schema_from_openapi_v3()
    {
        var (code, stdout, stderr) = await Kubectl.RunAsync(_kubeconfig, "explain", "restoresession.status.stats");

        Assert.True(code == 0, stderr);
        Assert.Contains("hostname\t<string>", stdout, StringComparison.Ordinal);
    }

    [RequiresKubectlFact]
    public async Task The_docs_create_a_namespace_and_secrets_from_files_sent_as_protobuf()
    {
        var password = Path.Combine(_dir.Path, "RESTIC_PASSWORD");
        File.WriteAllText(password, "not-the-real-one");
        var key = Path.Combine(_dir.Path, "GOOGLE_SERVICE_ACCOUNT_JSON_KEY");
        File.WriteAllBytes(key, [0x7b, 0x0a, 0xff, 0x00, 0x7d]);

        var ns = await Kubectl.RunAsync(_kubeconfig, "create", "namespace", "docs-demo");
        var secret = await Kubectl.RunAsync(_kubeconfig, "create", "secret", "generic", "-n", "docs-demo", "gcs-secret",
            "--from-file=" + password, "--from-file=" + key, "--from-literal=GOOGLE_PROJECT_ID=appscode-qa");
        var config = await Kubectl.RunAsync(_kubeconfig, "create", "configmap", "-n", "docs-demo", "settings", "--from-literal=mode=restore");
        var again = await Kubectl.RunAsync(_kubeconfig, "create", "namespace", "docs-demo");

        Assert.True(ns.ExitCode == 0, ns.Stderr);
        Assert.Equal("namespace/docs-demo created\n", ns.Stdout);
        Assert.True(secret.ExitCode == 0, secret.Stderr);
        Assert.True(config.ExitCode == 0, config.Stderr);
        Assert.Contains(_server.Requests, r => r.Method == "POST" && r.PathAndQuery.StartsWith("/api/v1/namespaces/docs-demo/secrets", StringComparison.Ordinal)
            && r.ContentType == "application/vnd.kubernetes.protobuf" && r.StatusCode == 201);
        var storedNamespace = _server.Get("v1", "Namespace", null, "docs-demo")!;
        Assert.Equal("Active", (string?)storedNamespace["status"]!["phase"]);
        var stored = _server.Get("v1", "Secret", "docs-demo", "gcs-secret")!;
        Assert.Equal("Opaque", (string?)stored["type"]);
        Assert.Equal("not-the-real-one", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)stored["data"]!["RESTIC_PASSWORD"]!)));
        Assert.Equal([0x7b, 0x0a, 0xff, 0x00, 0x7d], Convert.FromBase64String((string)stored["data"]!["GOOGLE_SERVICE_ACCOUNT_JSON_KEY"]!));
        Assert.Equal("appscode-qa", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)stored["data"]!["GOOGLE_PROJECT_ID"]!)));
        Assert.Equal("restore", (string?)_server.Get("v1", "ConfigMap", "docs-demo", "settings")!["data"]!["mode"]);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("Error from server (AlreadyExists): namespaces \"docs-demo\" already exists", again.Stderr, StringComparison.Ordinal);
    }

    private const string KubeStashList = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Namespace
          metadata: {name: list-demo}
        - apiVersion: v1
          kind: Secret
          metadata: {name: encrypt-secret, namespace: list-demo}
          stringData: {RESTIC_PASSWORD: not-the-real-one}
        - apiVersion: core.kubestash.com/v1alpha1
          kind: RestoreSession
          metadata: {name: sample-restore, namespace: list-demo}
          spec:
            dataSource:
              repository: gcs-repo
              snapshot: latest
              encryptionSecret: {name: encrypt-secret, namespace: list-demo}
            addon:
              name: workload-addon
              tasks: [{name: logical-backup-restore}]
        """;

    [RequiresKubectlFact]
    public async Task Create_of_a_list_validates_its_items_client_side_against_the_crd_schemas()
    {
        var good = Path.Combine(_dir.Path, "list.yaml");
        File.WriteAllText(good, KubeStashList);
        var bad = Path.Combine(_dir.Path, "bad-list.yaml");
        File.WriteAllText(bad, KubeStashList.Replace("list-demo", "bad-demo", StringComparison.Ordinal)
            .Replace("snapshot: latest", "snapshot: latest\n      bogus: 1", StringComparison.Ordinal));

        var created = await Kubectl.RunAsync(_kubeconfig, "create", "-f", good);
        var rejected = await Kubectl.RunAsync(_kubeconfig, "create", "-f", bad);

        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Equal("namespace/list-demo created\nsecret/encrypt-secret created\nrestoresession.core.kubestash.com/sample-restore created\n", created.Stdout);
        Assert.Contains(_server.Requests, r => r.PathAndQuery.StartsWith("/openapi/v2", StringComparison.Ordinal) && r.StatusCode == 200);
        Assert.Equal("workload-addon", (string?)_server.Get("core.kubestash.com/v1alpha1", "RestoreSession", "list-demo", "sample-restore")!["spec"]!["addon"]!["name"]);
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("unknown field \"bogus\" in com.kubestash.core.v1alpha1.RestoreSession.spec.dataSource", rejected.Stderr, StringComparison.Ordinal);
        Assert.Null(_server.Get("v1", "Namespace", null, "bad-demo")); // kubectl validated before creating anything
    }

    [RequiresKubectlFact]
    public async Task KubeStash_kinds_are_got_applied_and_status_patched_by_their_full_names()
    {
        var file = Path.Combine(_dir.Path, "storage.yaml");
        File.WriteAllText(file, """
            apiVersion: storage.kubestash.com/v1alpha1
            kind: BackupStorage
            metadata: {name: gcs-storage, namespace: demo}
            spec:
              storage: {provider: gcs, gcs: {bucket: kubestash-qa, prefix: demo, secretName: gcs-secret}}
              usagePolicy: {allowedNamespaces: {from: All}}
              default: true
              deletionPolicy: WipeOut
            ---
            apiVersion: storage.kubestash.com/v1alpha1
            kind: Repository
            metadata: {name: gcs-repo, namespace: demo}
            spec:
              storageRef: {name: gcs-storage, namespace: demo}
              path: /demo/app
              encryptionSecret: {name: encrypt-secret, namespace: demo}
            """);

        var applied = await Kubectl.RunAsync(_kubeconfig, "apply", "-f", file);
        var reapplied = await Kubectl.RunAsync(_kubeconfig, "apply", "-f", file);
        // Full names: the short name "repo" is Stash's too, and means stash.appscode.com here (see README).
        var repos = await Kubectl.RunAsync(_kubeconfig, "get", "repositories.storage.kubestash.com", "-n", "demo", "-o", "name");
        var patched = await Kubectl.RunAsync(_kubeconfig, "patch", "repositories.storage.kubestash.com", "gcs-repo", "-n", "demo",
            "--subresource=status", "--type=merge", "-p", """{"status":{"phase":"Ready","snapshotCount":3}}""");
        var printed = await Kubectl.RunAsync(_kubeconfig, "get", "repositories.storage.kubestash.com", "gcs-repo", "-n", "demo");

        Assert.True(applied.ExitCode == 0, applied.Stderr);
        Assert.Equal("backupstorage.storage.kubestash.com/gcs-storage created\nrepository.storage.kubestash.com/gcs-repo created\n", applied.Stdout);
        Assert.True(reapplied.ExitCode == 0, reapplied.Stderr);
        Assert.Equal("backupstorage.storage.kubestash.com/gcs-storage unchanged\nrepository.storage.kubestash.com/gcs-repo unchanged\n", reapplied.Stdout);
        Assert.Equal("repository.storage.kubestash.com/gcs-repo\n", repos.Stdout);
        Assert.True(patched.ExitCode == 0, patched.Stderr);
        Assert.Matches(@"gcs-repo\s+\S*\s+3\s", printed.Stdout);
    }
}
