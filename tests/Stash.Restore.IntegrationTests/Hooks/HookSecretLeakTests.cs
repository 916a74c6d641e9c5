using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Support;
using static Stash.Restore.Tests.Shared.HookTestKit;
using static Stash.Restore.Tests.Shared.HookContexts;

namespace Stash.Restore.IntegrationTests.Hooks;

/// <summary>Hooks that print credentials (real child processes, a real HTTP server): nothing reaches the message or the log.</summary>
public sealed class HookSecretLeakTests : IDisposable
{
    private const string PemLine1 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
    private const string PemLine2 = "MkbuQSn4v2TLUGyuBDlN3jHrcTDn5TkDSmc0m3NdiT5N1dWJZqy1RXZ6HeWAYbrs";
    private const string PemLast = "Qz9w";
    private readonly LogCapture _log = new();
    private readonly string _work = Directory.CreateTempSubdirectory("stash-hook-leak-").FullName;
    private readonly ProcessRunner _runner = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_secret_split_by_the_1_KiB_cut_of_an_http_reply_is_not_shown_in_part()
    {
        const string token = "tok-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";
        // The reply is cut at 1024 characters; the token starts at 1000, so a cut before masking shows 24 characters of it.
        await using var server = new TestHttpServer(500, new string('x', 1000) + token + new string('y', 100));
        var masker = new SecretMasker();
        masker.RegisterSecretData("Secret demo/hook", new Dictionary<string, string> { ["API_TOKEN"] = token });
        var hook = new HookSpec { HttpGet = new HttpGetAction { Port = IntOrString.FromNumber(server.Port), Path = "/notify" } };

        var result = await Executor(_log.Logger, masker: masker).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.DoesNotContain("tok-ABC", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-ABC", _log.Text, StringComparison.Ordinal);
        Assert.Contains(new string('x', 10) + "***" + new string('y', 21) + "…", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hook_printing_the_decoded_gcs_key_and_a_three_character_key_shows_neither()
    {
        var pem = $"-----BEGIN PRIVATE KEY-----\n{PemLine1}\n{PemLine2}\n{PemLast}\n-----END PRIVATE KEY-----\n";
        var json = $"{{\"type\":\"service_account\",\"project_id\":\"demo\",\"private_key\":\"{pem.Replace("\n", "\\n", StringComparison.Ordinal)}\"}}";
        var masker = new SecretMasker();
        masker.RegisterSecretData("Secret demo/gcs", new Dictionary<string, string>
        {
            ["GOOGLE_SERVICE_ACCOUNT_JSON_KEY"] = json,
            ["ST_KEY"] = "xq7",
            ["GOOGLE_PROJECT_ID"] = "demo",
        });
        var pemFile = Path.Combine(_work, "key.pem");
        await File.WriteAllTextAsync(pemFile, pem);
        var hook = new HookSpec { Exec = new ExecAction { Command = ["/bin/sh", "-c", $"cat '{pemFile}'; echo project=demo key=xq7; exit 3"] } };

        var result = await Executor(_log.Logger, _runner, masker).ExecuteAsync(hook, PreContext(), CancellationToken.None);

        Assert.False(result.Succeeded);
        foreach (var leaked in new[] { PemLine1, PemLine2, PemLast, "xq7" })
        {
            Assert.DoesNotContain(leaked, result.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(leaked, _log.Text, StringComparison.Ordinal);
        }
        // The whole key is one secret (masked whole, armour included); the identifier stays.
        Assert.EndsWith("last output: *** | project=demo key=***", result.Message, StringComparison.Ordinal);
    }
}
