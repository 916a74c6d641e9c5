namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>The s3 backend against moto (HTTP) and s3rver (HTTPS), through the CLI with real restic.</summary>
public sealed class S3BackendTests(S3ServersFixture servers) : IClassFixture<S3ServersFixture>
{
    private static string Backend(string endpoint, string? region = null, bool insecureTls = false) => $"""
        s3:
          endpoint: {endpoint}
          bucket: {S3ServersFixture.Bucket}
          prefix: /{S3ServersFixture.Prefix}/
        {(region is null ? "" : $"  region: {region}\n")}{(insecureTls ? "  insecureTLS: true\n" : "")}
        """;

    private static Dictionary<string, string> Secret(string keyId, string secret, string password = S3ServersFixture.RepositoryPassword, string? ca = null)
    {
        var data = new Dictionary<string, string>
        {
            ["RESTIC_PASSWORD"] = password,
            ["AWS_ACCESS_KEY_ID"] = keyId,
            ["AWS_SECRET_ACCESS_KEY"] = secret,
        };
        if (ca is not null)
            data["CA_CERT_DATA"] = ca;
        return data;
    }

    [RequiresToolFact(TestTool.Moto)]
    public async Task Moto_over_http_with_endpoint_bucket_prefix_and_region_restores_identical_files()
    {
        var run = await servers.Kit.RestoreAsync(
            Backend($"http://127.0.0.1:{servers.MotoPort}", S3ServersFixture.Region),
            Secret(S3ServersFixture.MotoKeyId, S3ServersFixture.MotoSecret));

        servers.Kit.AssertRestored(run);
        Assert.Contains($"from s3:http://127.0.0.1:{servers.MotoPort}/{S3ServersFixture.Bucket}/{S3ServersFixture.Prefix}", run.Result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(S3ServersFixture.MotoSecret, run.AllOutput, StringComparison.Ordinal);
    }

    [RequiresToolFact(TestTool.Moto)]
    public async Task Moto_with_a_wrong_repository_password_fails_with_one_line_and_no_secret_anywhere()
    {
        // moto accepts any AWS secret, so the credential that can be wrong here is restic's password.
        const string wrong = "wrong-repo-pw-77";
        var run = await servers.Kit.RestoreAsync(
            Backend($"http://127.0.0.1:{servers.MotoPort}", S3ServersFixture.Region),
            Secret(S3ServersFixture.MotoKeyId, S3ServersFixture.MotoSecret, wrong), timeOut: "60s");

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "wrong password", wrong, S3ServersFixture.MotoSecret);
    }

    [RequiresToolFact(TestTool.S3rver)]
    public async Task S3rver_over_https_trusting_CA_CERT_DATA_restores_identical_files()
    {
        var run = await servers.Kit.RestoreAsync(
            Backend($"https://127.0.0.1:{servers.S3rverPort}"),
            Secret(S3ServersFixture.S3rverKeyId, S3ServersFixture.S3rverSecret, ca: servers.Certificates.CaPem));

        servers.Kit.AssertRestored(run);
    }

    [RequiresToolFact(TestTool.S3rver)]
    public async Task S3rver_over_https_with_insecureTLS_and_no_ca_restores_identical_files()
    {
        var run = await servers.Kit.RestoreAsync(
            Backend($"https://127.0.0.1:{servers.S3rverPort}", insecureTls: true),
            Secret(S3ServersFixture.S3rverKeyId, S3ServersFixture.S3rverSecret));

        servers.Kit.AssertRestored(run);
    }

    [RequiresToolFact(TestTool.S3rver)]
    public async Task S3rver_with_an_unknown_access_key_is_stopped_at_the_timeOut_naming_the_key_in_one_line()
    {
        // s3rver checks the key id (not the signature); restic 0.18 retries the 403 until stopped.
        const string wrongId = "AKIAUNKNOWN000";
        const string secret = "some-aws-secret-Kq2";
        var run = await servers.Kit.RestoreAsync(
            Backend($"https://127.0.0.1:{servers.S3rverPort}"),
            Secret(wrongId, secret, ca: servers.Certificates.CaPem), timeOut: "5s");

        BackendRestoreKit.AssertFailedWithoutSecrets(run, "deadline exceeded", wrongId, secret, S3ServersFixture.RepositoryPassword);
        Assert.Contains("The AWS Access Key Id you provided does not exist in our records", (string)run.Entry["error"]!, StringComparison.Ordinal);
    }
}
