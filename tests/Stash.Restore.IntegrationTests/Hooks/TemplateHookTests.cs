using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;
using static Stash.Restore.Tests.Shared.HookTestKit;
using static Stash.Restore.Tests.Shared.HookContexts;

namespace Stash.Restore.IntegrationTests.Hooks;

/// <summary>Go-template hooks end to end: a Slack-style notification over real HTTP, and `validate` on template mistakes.</summary>
public sealed class TemplateHookTests : IDisposable
{
    private readonly LogCapture _log = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("template-hooks-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);


    [Fact]
    public async Task A_slack_style_post_hook_sends_the_rendered_json_body()
    {
        await using var server = new TestHttpServer(200);
        var hook = new HookSpec
        {
            HttpPost = new HttpPostAction
            {
                Host = "127.0.0.1",
                Port = IntOrString.FromNumber(server.Port),
                Path = "/services/{{ .Target.Kind | lower }}/{{ .Target.Name }}",
                Body = """
                    {{- $color := "good" }}{{ if ne .Status.Phase "Succeeded" }}{{ $color = "danger" }}{{ end -}}
                    {{- $text := printf "%s %s/%s restored %s %s on %s: %s" .Invoker.Kind .Namespace .Invoker.Name .Target.Kind .Target.Name .Hostname .Status.Phase -}}
                    {{- with .Status.Error }}{{ $text = printf "%s (%s)" $text . }}{{ end -}}
                    {{- toJson (dict "username" "stash" "attachments" (list (dict "color" $color "text" $text))) -}}
                    """,
                HttpHeaders = [new HttpHeader { Name = "Content-Type", Value = "application/json" }],
            },
        };
        var context = PostContext(HostPhase.Failed, "restic exited 1: <repo> & more") with
        {
            Target = new HookTarget("StatefulSet", "mysql", "demo", "apps/v1"),
        };

        var result = await Executor(_log.Logger).ExecuteAsync(hook, context, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/services/statefulset/mysql", request.Target);
        // Go's encoding/json escapes <, > and & (\u003c…), and sorts map keys.
        Assert.Equal(
            """{"attachments":[{"color":"danger","text":"RestoreSession demo/restore-mysql restored StatefulSet mysql on host-1: Failed (restic exited 1: \u003crepo\u003e \u0026 more)"}],"username":"stash"}""",
            request.BodyText);
    }

    [Fact]
    public async Task Validate_names_the_hook_and_position_of_template_mistakes_and_exits_2()
    {
        var file = Path.Combine(_dir, "session.yaml");
        File.WriteAllText(file, """
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {name: rs, namespace: demo}
            spec:
              target:
                rules:
                - paths: [/data]
              hooks:
                preRestore:
                  exec:
                    command: ["echo", "{{ .Status.Phase }}"]
                postRestore:
                  httpPost:
                    port: 80
                    path: "/{{ .Name | slack }}"
                    body: |
                      {{- $msg := dict "text" (printf "%s" .Status.Phse) -}}
                      {{ toJson $msg
            """);

        var result = await CliHarness.RunAsync("validate", "-f", file);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("spec.hooks.preRestore: template: exec.command[1]:1:10: field .Status.Phase is only available to postRestore hooks", result.Output, StringComparison.Ordinal);
        Assert.Contains("spec.hooks.postRestore: template: httpPost.path:1: function \"slack\" not defined", result.Output, StringComparison.Ordinal);
        Assert.Contains("template: httpPost.body:2: unclosed action", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_accepts_the_slack_example_and_reports_an_unknown_field_with_its_line()
    {
        var good = Path.Combine(_dir, "good.yaml");
        File.WriteAllText(good, Session("""{{- $msg := dict "text" (printf "%s/%s: %s" .Namespace .Name .Status.Phase) -}}{{ toJson $msg }}"""));
        var bad = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(bad, Session("""{{ if eq .Status.Phase "Failed" }}\n{{ .Status.Reason }}{{ end }}"""));

        var result = await CliHarness.RunAsync("validate", "-f", good, bad);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("good.yaml: valid", result.Output, StringComparison.Ordinal);
        // The manifest's line and column come first, then the template's own position.
        Assert.Matches(@"bad\.yaml:\d+:\d+: spec\.hooks\.postRestore: template: httpPost\.body:2:10: unknown field \.Status\.Reason: hooks\.Status has no field Reason \(it has Phase, Duration, Error\)", result.Output);
    }

    private static string Session(string body) => $$"""
        apiVersion: stash.appscode.com/v1beta1
        kind: RestoreSession
        metadata: {name: rs, namespace: demo}
        spec:
          target:
            rules:
            - paths: [/data]
          hooks:
            postRestore:
              httpPost:
                port: 80
                body: "{{body.Replace("\"", "\\\"", StringComparison.Ordinal)}}"
        """;
}
