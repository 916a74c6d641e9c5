using System.Text.Json.Nodes;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

public sealed class CrudTests : IAsyncLifetime
{
    private TestApiServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _api = new ApiClient(_server, _server.AdminToken);
        _server.Put("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}""");
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [RequiresCrdsFact]
    public async Task Create_sets_server_metadata_and_returns_201()
    {
        var created = await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession());

        Assert.Equal(201, created.Code);
        Assert.Equal("application/json", created.ContentType);
        var meta = created.Json["metadata"]!;
        Assert.Equal("x", (string?)meta["name"]);
        Assert.Equal("demo", (string?)meta["namespace"]);
        Assert.True(long.Parse((string)meta["resourceVersion"]!) > 0);
        Assert.True(Guid.TryParse((string?)meta["uid"], out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)meta["creationTimestamp"]);
        Assert.Equal(1, (long)meta["generation"]!);
        // The CRD's default for spec.driver is applied like the real server does.
        Assert.Equal("Restic", (string?)created.Json["spec"]!["driver"]);
    }

    [RequiresCrdsFact]
    public async Task Get_returns_the_stored_object_and_missing_is_404_Status()
    {
        await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession());

        var found = await _api.GetAsync(Objects.RestoreSessions + "/x");
        var missing = await _api.GetAsync(Objects.RestoreSessions + "/nope");

        Assert.Equal(200, found.Code);
        Assert.Equal("repo", (string?)found.Json["spec"]!["repository"]!["name"]);
        Assert.Equal(404, missing.Code);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"restoresessions.stash.appscode.com \"nope\" not found","reason":"NotFound","details":{"name":"nope","group":"stash.appscode.com","kind":"restoresessions"},"code":404}""",
            missing.Body);
    }

    [RequiresCrdsFact]
    public async Task Create_of_an_existing_object_is_409_AlreadyExists()
    {
        await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession());

        var again = await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession());

        Assert.Equal(409, again.Code);
        Assert.Equal("AlreadyExists", again.Reason);
        Assert.Equal("restoresessions.stash.appscode.com \"x\" already exists", again.Message);
    }

    [RequiresCrdsFact]
    public async Task Create_in_a_missing_namespace_is_404_for_the_namespace()
    {
        var response = await _api.PostAsync("/apis/stash.appscode.com/v1beta1/namespaces/elsewhere/restoresessions",
            Objects.RestoreSession().Replace("\"demo\"", "\"elsewhere\"", StringComparison.Ordinal));

        Assert.Equal(404, response.Code);
        Assert.Equal("namespaces \"elsewhere\" not found", response.Message);
    }

    [RequiresCrdsFact]
    public async Task Put_with_a_stale_resourceVersion_is_409_Conflict_with_the_real_message()
    {
        var created = await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession());
        var firstVersion = created.ResourceVersion!;
        var updated = await _api.PutAsync(Objects.RestoreSessions + "/x", Objects.RestoreSession(resourceVersion: firstVersion, repository: "second"));

        var stale = await _api.PutAsync(Objects.RestoreSessions + "/x", Objects.RestoreSession(resourceVersion: firstVersion, repository: "third"));

        Assert.Equal(200, updated.Code);
        Assert.True(long.Parse(updated.ResourceVersion!) > long.Parse(firstVersion));
        Assert.Equal(2, (long)updated.Json["metadata"]!["generation"]!);
        Assert.Equal(409, stale.Code);
        Assert.Equal("Conflict", stale.Reason);
        Assert.Equal(
            "Operation cannot be fulfilled on restoresessions.stash.appscode.com \"x\": the object has been modified; please apply your changes to the latest version and try again",
            stale.Message);
        Assert.Equal("second", (string?)_server.Get("stash.appscode.com/v1beta1", "RestoreSession", "demo", "x")!["spec"]!["repository"]!["name"]);
    }

    [RequiresCrdsFact]
    public async Task Put_of_a_custom_resource_without_resourceVersion_is_422_like_the_real_server()
    {
        await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession());

        var response = await _api.PutAsync(Objects.RestoreSessions + "/x", Objects.RestoreSession(repository: "other"));

        Assert.Equal(422, response.Code);
        Assert.Equal("RestoreSession.stash.appscode.com \"x\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", response.Message);
    }

    [RequiresCrdsFact]
    public async Task Put_of_a_missing_object_is_404_and_name_mismatch_is_400()
    {
        var missing = await _api.PutAsync(Objects.RestoreSessions + "/x", Objects.RestoreSession(resourceVersion: "5"));
        await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession());
        var mismatch = await _api.PutAsync(Objects.RestoreSessions + "/y", Objects.RestoreSession(resourceVersion: "5"));

        Assert.Equal(404, missing.Code);
        Assert.Equal(400, mismatch.Code);
        Assert.Equal("the name of the object (x) does not match the name on the URL (y)", mismatch.Message);
    }

    [RequiresCrdsFact]
    public async Task A_write_that_changes_nothing_keeps_the_resourceVersion()
    {
        var created = await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession());

        var same = await _api.PutAsync(Objects.RestoreSessions + "/x", Objects.RestoreSession(resourceVersion: created.ResourceVersion));

        Assert.Equal(200, same.Code);
        Assert.Equal(created.ResourceVersion, same.ResourceVersion);
    }

    [RequiresCrdsFact]
    public async Task List_namespaced_and_across_namespaces_with_label_selector()
    {
        _server.Put("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"other"}}""");
        _server.Put(Objects.RestoreSession("a").Replace("\"metadata\": {", "\"metadata\": {\"labels\": {\"app\": \"db\"}, ", StringComparison.Ordinal));
        _server.Put(Objects.RestoreSession("b"));
        _server.Put(Objects.RestoreSession("c").Replace("\"demo\"", "\"other\"", StringComparison.Ordinal));

        var demo = await _api.GetAsync(Objects.RestoreSessions);
        var all = await _api.GetAsync("/apis/stash.appscode.com/v1beta1/restoresessions");
        var labelled = await _api.GetAsync("/apis/stash.appscode.com/v1beta1/restoresessions?labelSelector=app%3Ddb");
        var byName = await _api.GetAsync("/apis/stash.appscode.com/v1beta1/restoresessions?fieldSelector=metadata.name%3Dc");

        Assert.Equal("RestoreSessionList", (string?)demo.Json["kind"]);
        Assert.Equal("stash.appscode.com/v1beta1", (string?)demo.Json["apiVersion"]);
        Assert.NotNull(demo.ResourceVersion);
        Assert.Equal(["a", "b"], Names(demo));
        Assert.Equal(["a", "b", "c"], Names(all));
        Assert.Equal(["a"], Names(labelled));
        Assert.Equal(["c"], Names(byName));
    }

    [Fact]
    public async Task Seeding_may_fix_the_uid_but_the_API_assigns_its_own()
    {
        var seeded = _server.Put("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"seeded","namespace":"demo","uid":"11111111-2222-3333-4444-555555555555","creationTimestamp":"2026-01-02T03:04:05Z"}}""");
        var created = await _api.PostAsync("/api/v1/namespaces/demo/configmaps", """{"metadata":{"name":"created","uid":"11111111-2222-3333-4444-555555555555"}}""");

        Assert.Equal("11111111-2222-3333-4444-555555555555", (string?)seeded["metadata"]!["uid"]);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)seeded["metadata"]!["creationTimestamp"]);
        Assert.NotEqual("11111111-2222-3333-4444-555555555555", (string?)created.Json["metadata"]!["uid"]);
    }

    [Fact]
    public async Task Lists_page_with_limit_and_continue()
    {
        _server.PutAll("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a, namespace: demo}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: b, namespace: demo}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c, namespace: demo}
            """);

        var first = await _api.GetAsync("/api/v1/namespaces/demo/configmaps?limit=2");
        var token = Uri.EscapeDataString((string)first.Json["metadata"]!["continue"]!);
        var second = await _api.GetAsync($"/api/v1/namespaces/demo/configmaps?limit=2&continue={token}");

        Assert.Equal(["a", "b"], Names(first));
        Assert.Equal(1, (long)first.Json["metadata"]!["remainingItemCount"]!);
        Assert.Equal(["c"], Names(second));
        Assert.Null(second.Json["metadata"]!["continue"]);
        // Built-in list items carry no kind/apiVersion, like the real server.
        Assert.Null(first.Json["items"]![0]!["kind"]);
    }

    [RequiresCrdsFact]
    public async Task Delete_returns_the_object_then_it_is_gone()
    {
        await _api.PostAsync(Objects.RestoreSessions, Objects.RestoreSession());

        var deleted = await _api.DeleteAsync(Objects.RestoreSessions + "/x");
        var after = await _api.GetAsync(Objects.RestoreSessions + "/x");
        var again = await _api.DeleteAsync(Objects.RestoreSessions + "/x");

        Assert.Equal(200, deleted.Code);
        Assert.Equal("x", (string?)deleted.Json["metadata"]!["name"]);
        Assert.Equal(404, after.Code);
        Assert.Equal(404, again.Code);
    }

    [Fact]
    public async Task Secrets_convert_stringData_to_base64_data()
    {
        var created = await _api.PostAsync("/api/v1/namespaces/demo/secrets",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"RESTIC_PASSWORD":"pw"}}""");

        Assert.Equal(201, created.Code);
        Assert.Equal("cHc=", (string?)created.Json["data"]!["RESTIC_PASSWORD"]);
        Assert.Null(created.Json["stringData"]);
        Assert.Equal("Opaque", (string?)created.Json["type"]);
    }

    [Fact]
    public async Task Built_in_types_are_served_without_crds()
    {
        using var empty = new TempDir();
        await using var server = await TestApiServer.StartAsync(new TestApiServerOptions { CrdDirectory = empty.Path });
        using var api = new ApiClient(server, server.AdminToken);
        server.Put("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}""");

        var lease = await api.PostAsync("/apis/coordination.k8s.io/v1/namespaces/demo/leases",
            """{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"host-0"},"spec":{"holderIdentity":"pod-a"}}""");
        var evt = await api.PostAsync("/apis/events.k8s.io/v1/namespaces/demo/events",
            """{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"generateName":"x-"},"regarding":{"kind":"Pod","namespace":"demo","name":"p"},"eventTime":"2026-01-01T00:00:00.000000Z","type":"Normal","reportingController":"stash-restore","reportingInstance":"pod-a","action":"Restore","reason":"Restored","note":"ok"}""");
        var configmap = await api.PostAsync("/api/v1/namespaces/demo/configmaps",
            """{"metadata":{"name":"cm"},"data":{"k":"v"}}""");
        var crd = await api.GetAsync(Objects.RestoreSessions);

        Assert.Equal(201, lease.Code);
        Assert.Equal("pod-a", (string?)lease.Json["spec"]!["holderIdentity"]);
        Assert.Equal(201, evt.Code);
        Assert.StartsWith("x-", (string?)evt.Json["metadata"]!["name"], StringComparison.Ordinal);
        Assert.Equal(201, configmap.Code);
        Assert.Equal("ConfigMap", (string?)configmap.Json["kind"]);
        Assert.Equal(404, crd.Code);
    }

    private static List<string> Names(Response list) =>
        list.Json["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).ToList();

    [Fact]
    public async Task Events_are_validated_like_the_real_server()
    {
        var incomplete = await _api.PostAsync("/apis/events.k8s.io/v1/namespaces/demo/events",
            """{"metadata":{"name":"e1"},"eventTime":"2026-01-01T00:00:00.000000Z","regarding":{"kind":"RestoreSession","namespace":"demo","name":"x"},"type":"Info","reason":"Restored","note":"ok"}""");
        var noTime = await _api.PostAsync("/apis/events.k8s.io/v1/namespaces/demo/events",
            """{"metadata":{"name":"e0"},"regarding":{"kind":"RestoreSession","namespace":"demo","name":"x"},"type":"Normal","reason":"Restored","note":"ok"}""");
        var wrongNamespace = await _api.PostAsync("/api/v1/namespaces/demo/events",
            """{"metadata":{"name":"e2"},"involvedObject":{"kind":"RestoreSession","namespace":"other","name":"x"},"reason":"Restored","message":"ok","type":"Normal"}""");
        var legacy = await _api.PostAsync("/api/v1/namespaces/demo/events",
            """{"metadata":{"name":"e3"},"involvedObject":{"kind":"RestoreSession","namespace":"demo","name":"x"},"reason":"Restored","message":"ok","type":"Normal"}""");

        Assert.Equal(422, incomplete.Code);
        Assert.Equal(
            "Event.events.k8s.io \"e1\" is invalid: [reportingController: Required value, reportingInstance: Required value, action: Required value, type: Invalid value: \"\": has invalid value: Info]",
            incomplete.Message);
        Assert.Equal(422, noTime.Code);
        Assert.Equal("Event.events.k8s.io \"e0\" is invalid: eventTime: Required value", noTime.Message);
        Assert.Equal(422, wrongNamespace.Code);
        Assert.Equal("Event \"e2\" is invalid: involvedObject.namespace: Invalid value: \"other\": does not match event.namespace", wrongNamespace.Message);
        Assert.Equal(201, legacy.Code);
    }

    [Fact]
    public async Task Names_must_be_RFC_1123_subdomains_and_system_namespaces_exist()
    {
        var bad = await _api.PostAsync("/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"Host_0"}}""");
        var namespaces = await _api.GetAsync("/api/v1/namespaces");

        Assert.Equal(422, bad.Code);
        Assert.StartsWith("ConfigMap \"Host_0\" is invalid: metadata.name: Invalid value: \"Host_0\": a lowercase RFC 1123 subdomain", bad.Message, StringComparison.Ordinal);
        var names = namespaces.Json["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).ToList();
        Assert.Contains("default", names);
        Assert.Contains("kube-system", names);
    }
}
