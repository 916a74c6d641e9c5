using Stash.Restore.Core.Metrics;

namespace Stash.Restore.Core.Tests.Metrics;

/// <summary>
/// The Pushgateway's basic-auth credentials, kept out of argv: the file's first line wins over the
/// environment; a file that cannot be read or has no <c>username:password</c> is invalid input naming the file, never its content.
/// </summary>
public sealed class PushgatewayCredentialsTests : IDisposable
{
    private static readonly Dictionary<string, string> Environment = new() { ["PUSHGATEWAY_USERNAME"] = "env-user", ["PUSHGATEWAY_PASSWORD"] = "env-pass" };
    private readonly string _dir = Directory.CreateTempSubdirectory("pgw-credentials-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_files_first_line_wins_over_the_environment()
    {
        var file = Write("metrics:pa:ss\r\nignored:line\n");

        var credentials = PushgatewayCredentials.Resolve(file, Environment);

        Assert.Equal(("metrics", "pa:ss"), (credentials!.Username, credentials.Password));
        Assert.Equal($"metrics:*** (--pushgateway-credentials-file {file})", credentials.ToString());
    }

    [Fact]
    public void Without_a_file_the_environment_is_used_and_without_either_there_are_none()
    {
        Assert.Equal(("env-user", "env-pass"), (PushgatewayCredentials.Resolve(null, Environment)!.Username, PushgatewayCredentials.Resolve(" ", Environment)!.Password));
        Assert.Null(PushgatewayCredentials.Resolve(null, new Dictionary<string, string> { ["PUSHGATEWAY_USERNAME"] = "" }));
    }

    [Fact]
    public void A_file_without_a_colon_is_invalid_input_that_never_shows_its_content()
    {
        var file = Write("just-a-secret-token\n");

        var e = Assert.Throws<InvalidInputException>(() => PushgatewayCredentials.Resolve(file, Environment));

        Assert.Equal($"--pushgateway-credentials-file '{file}': the first line must be username:password", e.Message);
        Assert.DoesNotContain("just-a-secret-token", e.Message);
    }

    [Fact]
    public void A_missing_file_is_invalid_input_naming_it()
    {
        var file = Path.Combine(_dir, "absent");

        var e = Assert.Throws<InvalidInputException>(() => PushgatewayCredentials.Resolve(file, Environment));

        Assert.Equal($"--pushgateway-credentials-file '{file}': cannot read it (FileNotFoundException)", e.Message);
    }

    [Fact]
    public void The_credentials_go_into_the_url_escaped()
    {
        var url = new PushgatewayCredentials("me@corp", "p/w:1").ApplyTo(new Uri("https://pushgateway.monitoring:9091/metrics/job/x"));

        Assert.Equal("https://me%40corp:p%2Fw%3A1@pushgateway.monitoring:9091/metrics/job/x", url.OriginalString);
    }

    private string Write(string content)
    {
        var file = Path.Combine(_dir, "credentials");
        File.WriteAllText(file, content);
        return file;
    }
}
