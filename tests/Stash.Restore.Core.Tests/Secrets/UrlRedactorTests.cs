using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Secrets;

/// <summary>URLs printed without their passwords, as restic prints them: the user stays, the password is <c>***</c>.</summary>
public sealed class UrlRedactorTests
{
    [Theory]
    [InlineData("rest:https://backup:pw@rest.example:8000/repo", "rest:https://backup:***@rest.example:8000/repo")]
    [InlineData("https://user:p@ss@host/path", "https://user:***@host/path")] // an unescaped '@' in the password
    [InlineData("https://user@host/path", "https://user@host/path")] // no password: nothing to hide
    [InlineData("https://user:@host/", "https://user:@host/")]
    [InlineData("s3:s3.amazonaws.com/bucket", "s3:s3.amazonaws.com/bucket")]
    [InlineData(null, "")]
    public void A_urls_password_is_replaced_and_its_user_kept(string? url, string expected)
    {
        Assert.Equal(expected, UrlRedactor.Redact(url));
    }

    [Fact]
    public void Every_url_in_a_line_loses_its_password()
    {
        var line = "Fatal: unable to open repo at rest:http://a:one@h1/r: Get \"http://a:one@h1/r/config\": dial tcp; mirror https://b:two@h2/";

        Assert.Equal("Fatal: unable to open repo at rest:http://a:***@h1/r: Get \"http://a:***@h1/r/config\": dial tcp; mirror https://b:***@h2/", UrlRedactor.RedactAll(line));
    }

    [Theory]
    [InlineData("user:pw@pushgateway:9091", "user:***@pushgateway:9091")]
    [InlineData("user:pw@pushgateway:9091/metrics", "user:***@pushgateway:9091/metrics")]
    [InlineData("pushgateway:9091", "pushgateway:9091")]
    [InlineData("user@pushgateway:9091", "user@pushgateway:9091")]
    [InlineData("http://user:pw@pushgateway:9091", "http://user:***@pushgateway:9091")]
    public void A_url_given_without_its_scheme_is_redacted_too(string value, string expected)
    {
        Assert.Equal(expected, UrlRedactor.RedactLoose(value));
    }

    [Fact]
    public void The_passwords_are_found_as_written_and_unescaped()
    {
        Assert.Equal(["p%40ss%2Fw", "p@ss/w", "two"], UrlRedactor.Passwords("rest:https://u:p%40ss%2Fw@h/r and https://v:two@h2 and https://w@h3"));
    }
}
