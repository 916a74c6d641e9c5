using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Cluster;

using Stash.Restore.TestApiServer;

/// <summary>
/// A credential holding <c>"</c>, <c>\</c> and non-ASCII letters is JSON-escaped wherever JSON carries
/// it: in JSON log lines and in an error body a proxy or gateway in front of the API server sends
/// back. Through the real entry point it is never printed in any form.
/// </summary>
[Collection(Kubernetes.KubernetesLoadCollection.Name)]
public sealed class EscapedSecretTests
{
    private const string Credential = "s3cr\"t\\wörd-é-2026";

    /// <summary>Every form the credential takes in text: as is, JSON-escaped as Go writes it and as .NET writes it by default, URL-encoded.</summary>
    private static readonly string[] Forms =
    [
        Credential,
        JsonEncodedText.Encode(Credential, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(),
        JsonEncodedText.Encode(Credential).ToString(),
        Uri.EscapeDataString(Credential),
    ];

    [RequiresCrdsTheory]
    [InlineData(1)] // s3cr\"t\\wörd-é-2026, as Go's encoding/json (kube-apiserver, most gateways) echoes it
    [InlineData(2)] // s3cr\u0022t\\w\u00F6rd-\u00E9-2026
    public async Task A_credential_with_quote_backslash_and_accents_is_masked_in_json_logs_status_and_a_refused_calls_error(int echoedForm)
    {
        await using var rig = await ClusterRig.StartAsync();
        rig.Server.Put($$$"""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"repo-secret","namespace":"demo"},
             "data":{"RESTIC_PASSWORD":"{{{Base64(rig.Repository.Password)}}}","AWS_SECRET_ACCESS_KEY":"{{{Base64(Credential)}}}"}}
            """);
        // A preRestore hook that prints the credential and fails: its output goes to the log, the status and the Event.
        var printed = Path.Combine(rig.Repository.Root, "printed-by-the-hook");
        File.WriteAllText(printed, Credential + "\n");
        rig.Server.Put($$$$"""
            {"apiVersion":"stash.appscode.com/v1beta1","kind":"RestoreSession","metadata":{"name":"escaped","namespace":"demo"},
             "spec":{"repository":{"name":"test-repo"},
                     "hooks":{"preRestore":{"exec":{"command":["/bin/sh","-c","echo 'checking'; cat '{{{{printed}}}}' >&2; exit 1"]}}},
                     "target":{"ref":{"apiVersion":"apps/v1","kind":"Deployment","name":"app"},
                               "rules":[{"paths":["{{{{rig.DataPath}}}}"],"sourceHost":"host-0"}]}}}
            """);
        // The Event is refused by a gateway whose error body echoes what it was sent, JSON-escaped.
        rig.Server.Faults.Set(new FaultPlan
        {
            Rate = 1, StatusCodes = [400], Methods = ["POST"], PathContains = "/events",
            ErrorBody = $$"""{"error":"gateway refused the event","echo":"{{Forms[echoedForm]}}"}""",
        });

        var result = await rig.RestoreAsync("app-0", Path.Combine(rig.Repository.Root, "restored"), "escaped", null, "--log-format", "json");

        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        // The refused call's error was logged (so the masking of its body is what this test shows).
        Assert.Contains("gateway refused the event", result.Error, StringComparison.Ordinal);
        var entry = rig.Stats("escaped").Single()!;
        Assert.Equal("Failed", (string?)entry["phase"]);
        Assert.Contains("***", (string?)entry["error"], StringComparison.Ordinal);
        var sent = string.Join('\n', rig.Server.Requests.Select(r => r.Body ?? ""));
        // The log as written and as a log system shows it: each line's values decoded once from JSON.
        var logValues = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).SelectMany(line => StringValues(JsonNode.Parse(line)));
        var everything = new StringBuilder(result.Output).Append(result.Error).AppendJoin('\n', logValues)
            .Append((string?)entry["error"]).Append(rig.Session("escaped").ToJsonString()).Append(sent).ToString();
        foreach (var form in Forms)
            Assert.DoesNotContain(form, everything, StringComparison.Ordinal);
    }

    private static IEnumerable<string> StringValues(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => StringValues(p.Value)),
        JsonArray a => a.SelectMany(StringValues),
        JsonValue v when v.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
