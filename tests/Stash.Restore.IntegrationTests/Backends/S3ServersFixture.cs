namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>
/// S3 over plain HTTP from moto_server (which checks neither region nor secret), and S3 over
/// TLS from s3rver (which checks the signature, so a wrong secret fails). Each gets one
/// repository backed up before the tests run.
/// </summary>
public sealed class S3ServersFixture : IAsyncLifetime
{
    public const string Bucket = "stash-backups";
    public const string Prefix = "team-a/app";
    public const string Region = "eu-west-3";
    public const string RepositoryPassword = "s3-repo-pw-4Qm";

    /// <summary>s3rver's built-in credentials.</summary>
    public const string S3rverKeyId = "S3RVER";
    public const string S3rverSecret = "S3RVER";

    /// <summary>moto accepts any credentials; these only have to reach restic.</summary>
    public const string MotoKeyId = "AKIAMOTOTESTKEY";
    public const string MotoSecret = "moto-secret-Vx81/abc";

    private ServerProcess? _moto;
    private ServerProcess? _s3rver;

    internal BackendRestoreKit Kit { get; private set; } = null!;

    internal TestCertificates Certificates { get; private set; } = null!;

    public int MotoPort { get; private set; }

    public int S3rverPort { get; private set; }

    public async Task InitializeAsync()
    {
        Kit = BackendRestoreKit.Create("s3");
        Certificates = TestCertificates.WriteTo(Kit.NewDirectory("tls"));
        if (TestTools.Find(TestTool.Moto) is { } moto)
        {
            MotoPort = ServerProcess.FreePort();
            _moto = await ServerProcess.StartAsync("moto_server", moto, ["-H", "127.0.0.1", "-p", MotoPort.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                ServerProcess.AnswersHttp(new Uri($"http://127.0.0.1:{MotoPort}/")), TimeSpan.FromSeconds(60));
            await Kit.InitAndBackupAsync(new Dictionary<string, string?>
            {
                ["RESTIC_REPOSITORY"] = $"s3:http://127.0.0.1:{MotoPort}/{Bucket}/{Prefix}",
                ["RESTIC_PASSWORD"] = RepositoryPassword,
                ["AWS_ACCESS_KEY_ID"] = MotoKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = MotoSecret,
                ["AWS_DEFAULT_REGION"] = Region,
            });
        }
        if (TestTools.Find(TestTool.S3rver) is { } s3rver)
        {
            S3rverPort = ServerProcess.FreePort();
            var ca = Path.Combine(Kit.Root, "tls", "ca.pem");
            File.WriteAllText(ca, Certificates.CaPem);
            // Over plain HTTP restic's chunked uploads would be stored with their framing: s3rver only over TLS.
            _s3rver = await ServerProcess.StartAsync("s3rver", s3rver,
                ["-d", Kit.NewDirectory("s3rver-data"), "-a", "127.0.0.1", "-p", S3rverPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "--key", Certificates.KeyFile, "--cert", Certificates.CertificateFile, "--silent"],
                ServerProcess.Accepts(S3rverPort), TimeSpan.FromSeconds(60));
            await Kit.InitAndBackupAsync(
                new Dictionary<string, string?>
                {
                    ["RESTIC_REPOSITORY"] = $"s3:https://127.0.0.1:{S3rverPort}/{Bucket}/{Prefix}",
                    ["RESTIC_PASSWORD"] = RepositoryPassword,
                    ["AWS_ACCESS_KEY_ID"] = S3rverKeyId,
                    ["AWS_SECRET_ACCESS_KEY"] = S3rverSecret,
                },
                "--cacert", ca);
        }
    }

    public async Task DisposeAsync()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
        if (_s3rver is not null)
            await _s3rver.DisposeAsync();
        Kit.Dispose();
    }
}
