using System.Text.Json.Nodes;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

public sealed class SchemaTests : IAsyncLifetime
{
    private const string X = Objects.RestoreSessions + "/x";
    private TestApiServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _api = new ApiClient(_server, _server.AdminToken);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [RequiresCrdsFact]
    public async Task Undeclared_fields_are_pruned_with_a_warning_but_metadata_is_kept()
    {
        _server.Put(Objects.RestoreSession());

        var response = await _api.PatchAsync(X + "/status", """
            {"metadata":{"labels":{"l":"1"}},
             "status":{"stats":[{"hostname":"host-0","phase":"Succeeded","bytesRestored":12}],"notInSchema":"x"}}
            """);
        var main = await _api.PatchAsync(X, """
            {"metadata":{"labels":{"app":"db"},"annotations":{"a":"b"},
               "ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"p","uid":"u1"}],"finalizers":["f"]},
             "spec":{"unknownSpec":true}}
            """);

        Assert.Equal(200, response.Code);
        Assert.Equal("""{"stats":[{"hostname":"host-0","phase":"Succeeded"}]}""", response.Json["status"]!.ToJsonString());
        Assert.Contains("299 - \"unknown field \\\"status.stats[0].bytesRestored\\\"\"", response.Warnings);
        Assert.Contains("299 - \"unknown field \\\"status.notInSchema\\\"\"", response.Warnings);
        // A /status write ignores metadata changes, like the real server.
        Assert.Null(response.Json["metadata"]!["labels"]);

        Assert.Equal(200, main.Code);
        var meta = main.Json["metadata"]!;
        Assert.Equal("db", (string?)meta["labels"]!["app"]);
        Assert.Equal("b", (string?)meta["annotations"]!["a"]);
        Assert.Equal("u1", (string?)meta["ownerReferences"]![0]!["uid"]);
        Assert.Null(main.Json["spec"]!["unknownSpec"]);
    }

    [RequiresCrdsFact]
    public async Task Strict_field_validation_rejects_unknown_fields()
    {
        _server.Put("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}""");

        var response = await _api.SendAsync(HttpMethod.Post, Objects.RestoreSessions + "?fieldValidation=Strict",
            Objects.RestoreSession().Replace("\"spec\": {", "\"spec\": {\"bogus\": 1, ", StringComparison.Ordinal));

        Assert.Equal(400, response.Code);
        Assert.Equal("RestoreSession in version \"v1beta1\" cannot be handled as a RestoreSession: strict decoding error: unknown field \"spec.bogus\"", response.Message);
    }

    [RequiresCrdsFact]
    public async Task Enum_violation_is_422_with_the_field_path()
    {
        _server.Put(Objects.RestoreSession());

        var response = await _api.PatchAsync(X + "/status", """{"status":{"stats":[{"hostname":"host-0","phase":"Bogus"}]}}""");

        Assert.Equal(422, response.Code);
        Assert.Equal("Invalid", response.Reason);
        Assert.Equal(
            "RestoreSession.stash.appscode.com \"x\" is invalid: status.stats[0].phase: Unsupported value: \"Bogus\": supported values: \"Succeeded\", \"Failed\", \"Running\", \"Unknown\"",
            response.Message);
        var details = response.Json["details"]!;
        Assert.Equal("RestoreSession", (string?)details["kind"]);
        Assert.Equal("stash.appscode.com", (string?)details["group"]);
        Assert.Equal("status.stats[0].phase", (string?)details["causes"]![0]!["field"]);
        Assert.Equal("FieldValueNotSupported", (string?)details["causes"]![0]!["reason"]);
    }

    [RequiresCrdsFact]
    public async Task Type_and_required_violations_are_reported_together()
    {
        _server.Put(Objects.RestoreSession());

        var response = await _api.PatchAsync(X + "/status",
            """{"status":{"conditions":[{"type":"Ready","status":"True"}],"totalHosts":"three"}}""");

        Assert.Equal(422, response.Code);
        Assert.Equal(
            "RestoreSession.stash.appscode.com \"x\" is invalid: [status.conditions[0].lastTransitionTime: Required value, status.totalHosts: Invalid value: \"string\": status.totalHosts in body must be of type integer: \"string\"]",
            response.Message);
    }

    [RequiresCrdsFact]
    public async Task Int_or_string_accepts_both_and_rejects_others()
    {
        _server.Put("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}""");
        string WithPort(string name, string port) => Objects.RestoreSession(name).Replace("\"spec\": {",
            "\"spec\": {\"hooks\": {\"preRestore\": {\"httpGet\": {\"port\": " + port + ", \"path\": \"/\"}}}, ", StringComparison.Ordinal);

        var number = await _api.PostAsync(Objects.RestoreSessions, WithPort("a", "8080"));
        var name = await _api.PostAsync(Objects.RestoreSessions, WithPort("b", "\"http\""));
        var wrong = await _api.PostAsync(Objects.RestoreSessions, WithPort("c", "true"));

        Assert.Equal(201, number.Code);
        Assert.Equal(8080, (int)number.Json["spec"]!["hooks"]!["preRestore"]!["httpGet"]!["port"]!);
        Assert.Equal(201, name.Code);
        Assert.Equal(422, wrong.Code);
        Assert.Contains("spec.hooks.preRestore.httpGet.port", wrong.Message, StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public async Task AdditionalProperties_maps_are_pruned_and_validated_per_value()
    {
        _server.Put("""
            apiVersion: core.kubestash.com/v1alpha1
            kind: RestoreSession
            metadata: {name: k, namespace: demo}
            spec: {}
            """);
        const string Path = "/apis/core.kubestash.com/v1alpha1/namespaces/demo/restoresessions/k/status";

        var ok = await _api.PatchAsync(Path, """{"status":{"components":{"dump":{"phase":"Running","duration":"1s","extra":1}}}}""");
        var bad = await _api.PatchAsync(Path, """{"status":{"components":{"dump":{"phase":"Bogus"}}}}""");

        Assert.Equal(200, ok.Code);
        Assert.Equal("""{"dump":{"phase":"Running","duration":"1s"}}""", ok.Json["status"]!["components"]!.ToJsonString());
        Assert.Equal(422, bad.Code);
        Assert.Contains("status.components[dump].phase: Unsupported value: \"Bogus\"", bad.Message, StringComparison.Ordinal);
    }

    [RequiresCrdsFact]
    public void Preserve_unknown_fields_keeps_everything_below_it()
    {
        var stored = _server.Put("""
            apiVersion: core.kubestash.com/v1alpha1
            kind: RestoreSession
            metadata: {name: k, namespace: demo}
            spec:
              addon:
                name: postgres-addon
                tasks:
                - name: logical-backup-restore
                  params: {args: "--clean", nested: {deep: 1}}
                  unknownTaskField: gone
            """);

        var task = stored["spec"]!["addon"]!["tasks"]![0]!;
        Assert.Equal("""{"args":"--clean","nested":{"deep":1}}""", task["params"]!.ToJsonString());
        Assert.Null(task["unknownTaskField"]);
    }

    [RequiresCrdsFact]
    public void Seeding_an_object_the_schema_rejects_throws_with_the_server_message()
    {
        var e = Assert.Throws<ArgumentException>(() => _server.Put(Objects.RestoreSession(status: """{"phase":"Nope"}""")));

        Assert.Contains("status.phase: Unsupported value: \"Nope\"", e.Message, StringComparison.Ordinal);
    }
}
