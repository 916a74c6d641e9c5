using System.Security.Cryptography;
using System.Text;

namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>
/// restic's REST server (Debian's restic-rest-server) twice over one data directory: over HTTP
/// and over HTTPS with a generated CA, both with a user whose password needs URL escaping.
/// One repository is backed up through it before the tests run.
/// </summary>
public sealed class RestServerFixture : IAsyncLifetime
{
    public const string User = "restorer";
    public const string Password = "p@ss w/rd:1";
    public const string RepositoryName = "team-a";

    private ServerProcess? _http;
    private ServerProcess? _https;

    internal BackendRestoreKit Kit { get; private set; } = null!;

    internal TestCertificates Certificates { get; private set; } = null!;

    public int HttpPort { get; private set; }

    public int HttpsPort { get; private set; }

    public async Task InitializeAsync()
    {
        Kit = BackendRestoreKit.Create("rest");
        if (TestTools.Find(TestTool.RestServer) is not { } server)
            return; // the tests skip with the reason
        var data = Kit.NewDirectory("rest-data");
        // rest-server takes bcrypt or {SHA} entries (not apr1).
        File.WriteAllText(Path.Combine(data, ".htpasswd"), $"{User}:{{SHA}}{Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(Password)))}\n");
        Certificates = TestCertificates.WriteTo(Kit.NewDirectory("tls"));
        HttpPort = ServerProcess.FreePort();
        _http = await ServerProcess.StartAsync("rest-server (http)", server, ["--path", data, "--listen", $"127.0.0.1:{HttpPort}"],
            ServerProcess.Accepts(HttpPort), TimeSpan.FromSeconds(30));
        HttpsPort = ServerProcess.FreePort();
        _https = await ServerProcess.StartAsync("rest-server (https)", server,
            ["--path", data, "--listen", $"127.0.0.1:{HttpsPort}", "--tls", "--tls-cert", Certificates.CertificateFile, "--tls-key", Certificates.KeyFile],
            ServerProcess.Accepts(HttpsPort), TimeSpan.FromSeconds(30));
        await Kit.InitAndBackupAsync(new Dictionary<string, string?>
        {
            ["RESTIC_REPOSITORY"] = $"rest:http://{User}:{Uri.EscapeDataString(Password)}@127.0.0.1:{HttpPort}/{RepositoryName}",
            ["RESTIC_PASSWORD"] = RepositoryPassword,
        });
    }

    public const string RepositoryPassword = "rest-repo-pw-9Zk";

    public async Task DisposeAsync()
    {
        if (_http is not null)
            await _http.DisposeAsync();
        if (_https is not null)
            await _https.DisposeAsync();
        Kit.Dispose();
    }
}
