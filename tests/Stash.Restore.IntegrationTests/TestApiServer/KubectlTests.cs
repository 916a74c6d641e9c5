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
}
