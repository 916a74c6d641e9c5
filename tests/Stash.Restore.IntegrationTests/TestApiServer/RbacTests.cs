using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;
using Stash.Restore.TestApiServer.Rbac;

/// <summary>
/// The test API server authorizes service accounts as kube-apiserver's RBAC authorizer does: rules matched
/// as k8s.io/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches,
/// ResourceMatches, ResourceNameMatches) over bindings resolved as pkg/registry/rbac/validation/rule.go
/// (ClusterRoleBindings everywhere, RoleBindings in their namespace), with the real 403 text; kubectl
/// creates, applies, binds and asks <c>auth can-i</c> against it.
/// </summary>
public sealed class RbacTests : IAsyncLifetime
{
    private const string Demo = "demo";
    private static readonly string SaUser = ServiceAccountUsers.UserName(Demo, "restore-job");
    private static readonly IReadOnlyList<string> SaGroups = ServiceAccountUsers.Groups(Demo);

    private TestApiServer _server = null!;
    private TempDir _dir = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _dir = new TempDir();
        _server.Put("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}""");
        _server.Put("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"other"}}""");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private void ClusterRole(string name, string rulesJson) =>
        _server.Put($$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"{{name}}"},"rules":{{rulesJson}}}""");

    private void Role(string ns, string name, string rulesJson) =>
        _server.Put($$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"{{name}}","namespace":"{{ns}}"},"rules":{{rulesJson}}}""");

    private void RoleBinding(string ns, string name, string roleKind, string role, string subjectJson) =>
        _server.Put($$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"{{name}}","namespace":"{{ns}}"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"{{roleKind}}","name":"{{role}}"},"subjects":[{{subjectJson}}]}
            """);

    private void ClusterRoleBinding(string name, string role, string subjectJson) =>
        _server.Put($$"""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"{{name}}"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"{{role}}"},"subjects":[{{subjectJson}}]}
            """);

    private const string JobSubject = """{"kind":"ServiceAccount","name":"restore-job","namespace":"demo"}""";

    private bool Allowed(string verb, string group, string resource, string? subresource = null, string? ns = Demo, string? name = null,
        string? user = null, IReadOnlyList<string>? groups = null) =>
        _server.Authorize(new AccessRequest(user ?? SaUser, groups ?? SaGroups, verb, group, resource, subresource, ns, name)).Allowed;

    [Fact]
    public void Verbs_and_api_groups_match_exactly_or_by_star()
    {
        ClusterRole("r", """[{"apiGroups":["stash.appscode.com"],"resources":["*"],"verbs":["*"]},{"apiGroups":["*"],"resources":["secrets"],"verbs":["get"]}]""");
        RoleBinding(Demo, "b", "ClusterRole", "r", JobSubject);

        Assert.True(Allowed("deletecollection", "stash.appscode.com", "restoresessions"));
        Assert.True(Allowed("get", "", "secrets"));
        Assert.True(Allowed("get", "anything.example.com", "secrets"));
        Assert.False(Allowed("list", "", "secrets"));
        Assert.False(Allowed("get", "core.kubestash.com", "restoresessions"));
    }

    [Fact]
    public void A_resource_does_not_grant_its_subresources_but_star_and_star_slash_sub_do()
    {
        ClusterRole("r", """
            [{"apiGroups":[""],"resources":["pods"],"verbs":["get","create"]},
             {"apiGroups":["stash.appscode.com"],"resources":["*/status"],"verbs":["patch"]},
             {"apiGroups":["coordination.k8s.io"],"resources":["*"],"verbs":["get"]},
             {"apiGroups":["core.kubestash.com"],"resources":["restoresessions/status"],"verbs":["patch"]},
             {"apiGroups":["apps"],"resources":["deployments/*"],"verbs":["get"]}]
            """);
        RoleBinding(Demo, "b", "ClusterRole", "r", JobSubject);

        Assert.True(Allowed("create", "", "pods"));
        Assert.False(Allowed("create", "", "pods", "exec"));
        Assert.True(Allowed("patch", "stash.appscode.com", "restoresessions", "status"));
        Assert.True(Allowed("patch", "stash.appscode.com", "repositories", "status"));
        Assert.False(Allowed("patch", "stash.appscode.com", "restoresessions"));
        Assert.False(Allowed("patch", "stash.appscode.com", "restoresessions", "scale"));
        Assert.True(Allowed("get", "coordination.k8s.io", "leases"));
        Assert.True(Allowed("get", "coordination.k8s.io", "leases", "status"));
        Assert.True(Allowed("patch", "core.kubestash.com", "restoresessions", "status"));
        Assert.False(Allowed("patch", "core.kubestash.com", "restoresessions"));
        // Upstream has no "resource/*" wildcard: it is a resource named so.
        Assert.False(Allowed("get", "apps", "deployments", "scale"));
    }

    [Fact]
    public void Resource_names_limit_a_rule_to_those_objects_and_so_deny_requests_without_a_name()
    {
        Role(Demo, "one-lease", """[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"resourceNames":["stash-restore-rs-host-0"],"verbs":["get","update","list"]}]""");
        RoleBinding(Demo, "b", "Role", "one-lease", JobSubject);

        Assert.True(Allowed("get", "coordination.k8s.io", "leases", name: "stash-restore-rs-host-0"));
        Assert.False(Allowed("get", "coordination.k8s.io", "leases", name: "stash-restore-rs-host-1"));
        Assert.False(Allowed("create", "coordination.k8s.io", "leases"));
        Assert.False(Allowed("list", "coordination.k8s.io", "leases"));
        // A list narrowed to that name by fieldSelector=metadata.name is authorized for the name, as upstream.
        Assert.True(Allowed("list", "coordination.k8s.io", "leases", name: "stash-restore-rs-host-0"));
    }

    [Fact]
    public void A_RoleBinding_grants_a_ClusterRole_in_its_namespace_only_and_a_ClusterRoleBinding_everywhere()
    {
        ClusterRole("secret-reader", """[{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}]""");
        ClusterRole("event-writer", """[{"apiGroups":[""],"resources":["events"],"verbs":["create"]}]""");
        RoleBinding(Demo, "secrets", "ClusterRole", "secret-reader", JobSubject);
        ClusterRoleBinding("events", "event-writer", JobSubject);

        Assert.True(Allowed("get", "", "secrets"));
        Assert.False(Allowed("get", "", "secrets", ns: "other"));
        Assert.False(Allowed("get", "", "secrets", ns: null));
        Assert.True(Allowed("create", "", "events", ns: "other"));
        Assert.True(Allowed("create", "", "events", ns: null));
    }

    [Fact]
    public void A_Role_binds_only_in_its_own_namespace()
    {
        Role("other", "r", """[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]""");
        // A RoleBinding in demo naming Role "r" finds no Role "r" in demo: nothing is granted, and the 403 says why.
        RoleBinding(Demo, "b", "Role", "r", JobSubject);

        var decision = _server.Authorize(new AccessRequest(SaUser, SaGroups, "get", "", "pods", null, Demo, "p"));

        Assert.False(decision.Allowed);
        Assert.Equal("RBAC: role.rbac.authorization.k8s.io \"r\" not found", decision.Reason);
        Assert.False(Allowed("get", "", "pods", ns: "other"));
    }

    [Fact]
    public void Subjects_match_a_service_account_by_name_and_namespace_a_group_and_a_user()
    {
        ClusterRole("pod-reader", """[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]""");
        ClusterRole("cm-reader", """[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]}]""");
        ClusterRole("sa-reader", """[{"apiGroups":[""],"resources":["serviceaccounts"],"verbs":["get"]}]""");
        // A ServiceAccount subject without a namespace in a RoleBinding is the binding's namespace.
        RoleBinding(Demo, "pods", "ClusterRole", "pod-reader", """{"kind":"ServiceAccount","name":"restore-job"}""");
        RoleBinding(Demo, "cms", "ClusterRole", "cm-reader", """{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:serviceaccounts:demo"}""");
        RoleBinding(Demo, "sas", "ClusterRole", "sa-reader", """{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"jane"}""");

        Assert.True(Allowed("get", "", "pods"));
        Assert.False(Allowed("get", "", "pods", user: ServiceAccountUsers.UserName("other", "restore-job"), groups: ServiceAccountUsers.Groups("other")));
        Assert.True(Allowed("get", "", "configmaps", user: ServiceAccountUsers.UserName(Demo, "anyone"), groups: ServiceAccountUsers.Groups(Demo)));
        Assert.False(Allowed("get", "", "configmaps", user: ServiceAccountUsers.UserName("other", "anyone"), groups: ServiceAccountUsers.Groups("other")));
        Assert.True(Allowed("get", "", "serviceaccounts", user: "jane", groups: ["system:authenticated"]));
        Assert.False(Allowed("get", "", "serviceaccounts"));
    }

    [Fact]
    public async Task A_service_account_token_gets_the_real_403_and_what_its_binding_grants_over_https()
    {
        ClusterRole("secret-reader", """[{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}]""");
        RoleBinding(Demo, "b", "ClusterRole", "secret-reader", JobSubject);
        _server.Put("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"demo"},"data":{"K":"dg=="}}""");
        using var client = new ApiClient(_server, _server.ServiceAccountToken(Demo, "restore-job"));

        var secret = await client.GetAsync("/api/v1/namespaces/demo/secrets/s");
        var lease = await client.GetAsync("/apis/coordination.k8s.io/v1/namespaces/demo/leases/stash-restore-x-host-0");
        var list = await client.GetAsync("/api/v1/namespaces/demo/secrets");

        Assert.Equal(200, secret.Code);
        Assert.Equal(403, lease.Code);
        Assert.Equal(
            "leases.coordination.k8s.io \"stash-restore-x-host-0\" is forbidden: User \"system:serviceaccount:demo:restore-job\" cannot get resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"demo\"",
            (string?)JsonNode.Parse(lease.Body)!["message"]);
        Assert.Equal(403, list.Code);
        Assert.Equal("restore-job", (string?)_server.Get("v1", "ServiceAccount", Demo, "restore-job")!["metadata"]!["name"]);
        Assert.Equal(_server.ServiceAccountToken(Demo, "restore-job"), _server.ServiceAccountToken(Demo, "restore-job"));
    }

    [Fact]
    public async Task Invalid_rbac_objects_are_rejected_as_the_real_validation_words_it()
    {
        using var admin = new ApiClient(_server, _server.AdminToken);

        var noVerbs = await admin.PostAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles",
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"x"},"rules":[{"apiGroups":[""],"resources":["pods"]}]}""");
        var badRef = await admin.PostAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings",
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"x"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Lease","name":"r"},"subjects":[{"kind":"ServiceAccount","name":"a"}]}""");

        Assert.Equal(422, noVerbs.Code);
        Assert.Contains("rules[0].verbs: Required value: verbs must contain at least one value", noVerbs.Body, StringComparison.Ordinal);
        Assert.Equal(422, badRef.Code);
        Assert.Contains("roleRef.kind: Unsupported value: \\\"Lease\\\"", badRef.Body, StringComparison.Ordinal);
    }

    [RequiresKubectlFact]
    public async Task Kubectl_creates_applies_and_binds_roles_and_auth_can_i_answers_for_the_service_account()
    {
        var admin = _server.WriteKubeconfig(Path.Combine(_dir.Path, "admin"));
        var job = _server.WriteKubeconfig(Path.Combine(_dir.Path, "job"), serviceAccount: "demo:restore-job");
        var role = Path.Combine(_dir.Path, "role.yaml");
        File.WriteAllText(role, """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: restore-reader
            rules:
            - apiGroups: [""]
              resources: [secrets]
              verbs: [get]
            """);

        var created = await Kubectl.RunAsync(admin, "create", "-f", role);
        var applied = await Kubectl.RunAsync(admin, "apply", "-f", role);
        // Typed: kubectl sends this one as protobuf.
        var bound = await Kubectl.RunAsync(admin, "create", "rolebinding", "restore-reader", "--clusterrole=restore-reader", "--serviceaccount=demo:restore-job", "-n", "demo");
        var canGetSecrets = await Kubectl.RunAsync(job, "auth", "can-i", "get", "secrets");
        var canGetLeases = await Kubectl.RunAsync(job, "auth", "can-i", "get", "leases.coordination.k8s.io");
        var canElsewhere = await Kubectl.RunAsync(job, "auth", "can-i", "get", "secrets", "-n", "other");
        var asJob = await Kubectl.RunAsync(admin, "auth", "can-i", "get", "secrets", "-n", "demo", "--as=system:serviceaccount:demo:restore-job");
        var list = await Kubectl.RunAsync(job, "auth", "can-i", "--list");
        var forbidden = await Kubectl.RunAsync(job, "get", "leases");

        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.True(applied.ExitCode == 0, applied.Stderr);
        Assert.True(bound.ExitCode == 0, bound.Stderr);
        Assert.Equal(("ServiceAccount", "restore-job", "demo"), Subject(_server.Get("rbac.authorization.k8s.io/v1", "RoleBinding", Demo, "restore-reader")!));
        Assert.Equal((0, "yes"), (canGetSecrets.ExitCode, canGetSecrets.Stdout.Trim()));
        Assert.Equal((1, "no"), (canGetLeases.ExitCode, canGetLeases.Stdout.Trim()));
        Assert.Equal((1, "no"), (canElsewhere.ExitCode, canElsewhere.Stdout.Trim()));
        Assert.Equal((0, "yes"), (asJob.ExitCode, asJob.Stdout.Trim()));
        Assert.Matches(@"(?m)^secrets\s+\[\]\s+\[\]\s+\[get\]", list.Stdout);
        Assert.Contains("User \"system:serviceaccount:demo:restore-job\" cannot list resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"demo\"", forbidden.Stderr, StringComparison.Ordinal);

        static (string?, string?, string?) Subject(JsonObject binding)
        {
            var subject = binding["subjects"]![0]!;
            return ((string?)subject["kind"], (string?)subject["name"], (string?)subject["namespace"]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Only_an_admin_may_impersonate_and_an_impersonated_service_account_has_its_groups(bool admin)
    {
        ClusterRole("cm-reader", """[{"apiGroups":[""],"resources":["configmaps"],"verbs":["list"]}]""");
        RoleBinding(Demo, "cms", "ClusterRole", "cm-reader", """{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:serviceaccounts:demo"}""");
        using var http = new HttpClient(ApiClient.CreateHandler(_server)) { BaseAddress = _server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/demo/configmaps");
        request.Headers.Authorization = new("Bearer", admin ? _server.AdminToken : _server.ServiceAccountToken(Demo, "restore-job"));
        request.Headers.Add("Impersonate-User", "system:serviceaccount:demo:someone");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        if (admin)
        {
            Assert.True((int)response.StatusCode == 200, body);
            Assert.Contains(_server.Requests, r => r.User == "system:serviceaccount:demo:someone" && r.PathAndQuery == "/api/v1/namespaces/demo/configmaps");
        }
        else
        {
            Assert.Equal(403, (int)response.StatusCode);
            Assert.Equal("users \"system:serviceaccount:demo:someone\" is forbidden: User \"system:serviceaccount:demo:restore-job\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
                (string?)JsonNode.Parse(body)!["message"]);
        }
    }

    [Fact]
    public void A_service_account_kubeconfig_carries_its_token_and_its_namespace()
    {
        var path = _server.WriteKubeconfig(Path.Combine(_dir.Path, "sa"), serviceAccount: "demo:restore-job");
        var text = File.ReadAllText(path);

        Assert.Contains($"token: {_server.ServiceAccountToken(Demo, "restore-job")}", text, StringComparison.Ordinal);
        Assert.Contains("namespace: demo", text, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.AdminToken, text, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => _server.WriteKubeconfig(Path.Combine(_dir.Path, "bad"), serviceAccount: "restore-job"));
    }

    [RequiresKubectlFact]
    public async Task The_command_line_writes_a_kubeconfig_per_named_service_account()
    {
        var seed = Path.Combine(_dir.Path, "seed.yaml");
        File.WriteAllText(seed, """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: pod-reader, namespace: demo}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [list]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: pod-reader, namespace: demo}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
            subjects:
            - {kind: ServiceAccount, name: restore-job, namespace: demo}
            """);
        var jobKubeconfig = Path.Combine(_dir.Path, "job.kubeconfig");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Stash.Restore.TestApiServer.dll"), "--port", "0",
                     "--kubeconfig", Path.Combine(_dir.Path, "admin.kubeconfig"), "--seed", seed, "--kubeconfig-for-sa", $"demo:restore-job={jobKubeconfig}" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        try
        {
            // The last line before it serves names the service account's kubeconfig.
            using var ready = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(ready.Token)) is not null && !line.StartsWith("press Ctrl-C", StringComparison.Ordinal))
            {
            }
            Assert.True(File.Exists(jobKubeconfig), $"no {jobKubeconfig}; the server's last line: {line}");

            var pods = await Kubectl.RunAsync(jobKubeconfig, "get", "pods");
            var secrets = await Kubectl.RunAsync(jobKubeconfig, "get", "secrets");

            Assert.True(pods.ExitCode == 0, pods.Stderr);
            Assert.Contains("No resources found in demo namespace.", pods.Stderr, StringComparison.Ordinal);
            Assert.Contains("User \"system:serviceaccount:demo:restore-job\" cannot list resource \"secrets\"", secrets.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
