using System.Net.Sockets;
using Polly;
using Polly.Timeout;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Kubernetes;

public sealed class KubernetesErrorsTests
{
    private static readonly Uri Server = new("https://10.96.0.1:443");

    private static string Status(int code, string reason, string message) =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message.Replace("\"", "\\\"")}}","reason":"{{reason}}","details":{"name":"x","group":"stash.appscode.com","kind":"restoresessions"},"code":{{code}}}""";

    private static readonly ApiRequestTarget GetSession = new("get", "restoresessions.stash.appscode.com", "demo", "x");

    [Fact]
    public void Not_found_names_the_object_and_adds_the_namespace_the_server_leaves_out()
    {
        var body = Status(404, "NotFound", "restoresessions.stash.appscode.com \"x\" not found");

        var error = KubernetesErrors.ToException(404, body, GetSession, Server);

        var dependency = Assert.IsType<DependencyUnavailableException>(error);
        Assert.Equal(ExitCodes.DependencyUnavailable, dependency.ExitCode);
        Assert.Equal("restoresessions.stash.appscode.com \"x\" not found in namespace \"demo\"", error.Message);
        Assert.Equal(404, KubernetesApiException.StatusCodeOf(error));
    }

    [Fact]
    public void Not_found_without_a_status_body_is_still_one_line_naming_the_object()
    {
        var error = KubernetesErrors.ToException(404, "<html>\n<body>404</body>\n</html>", new ApiRequestTarget("get", "secrets", "demo", "s3-secret"), Server);

        Assert.Equal("secrets \"s3-secret\" not found in namespace \"demo\"", error.Message);
    }

    [Fact]
    public void A_body_echoing_the_token_is_masked_before_it_is_shortened()
    {
        // A proxy error page that echoes the request headers, the token straddling the 200-character cut.
        const string token = "eyJhbGciOiJSUzI1NiJ9.very-long-service-account-token-value-0123456789";
        var body = "<html><body><h1>502 Bad Gateway</h1><pre>" + new string('x', 120) + "Authorization: Bearer " + token + "</pre></body></html>";
        var truncatedWithoutMasking = KubernetesErrors.ToException(502, body, GetSession, Server).Message;

        var error = KubernetesErrors.ToException(502, body, GetSession, Server, text => text.Replace(token, "***", StringComparison.Ordinal));

        Assert.Contains(token[..12], truncatedWithoutMasking); // what masking after the cut would have leaked
        Assert.Contains("Authorization: Bearer ***", error.Message);
        Assert.DoesNotContain(token[..12], error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_password_in_the_server_url_is_shown_as_stars_in_errors()
    {
        var server = new Uri("https://admin:pa55word@10.96.0.1:443");

        var unauthorized = KubernetesErrors.ToException(401, null, GetSession, server);
        var unreachable = KubernetesErrors.Unreachable(GetSession, server, "Connection refused", null);

        Assert.Contains("the API server https://admin:***@10.96.0.1/ rejected", unauthorized.Message);
        Assert.StartsWith("cannot reach the API server https://admin:***@10.96.0.1/ to get", unreachable.Message);
        Assert.DoesNotContain("pa55word", unauthorized.Message + unreachable.Message);
        Assert.Equal("https://user@host/", KubernetesErrors.Display(new Uri("https://user@host/")));
    }

    [Fact]
    public void Unauthorized_says_the_credentials_were_rejected_and_what_was_attempted()
    {
        var body = Status(401, "Unauthorized", "Unauthorized");

        var error = KubernetesErrors.ToException(401, body, GetSession, Server);

        Assert.IsType<DependencyUnavailableException>(error);
        Assert.Contains("rejected the credentials", error.Message);
        Assert.Contains("get restoresessions.stash.appscode.com \"x\" in namespace \"demo\"", error.Message);
        Assert.Contains("https://10.96.0.1", error.Message);
    }

    [Fact]
    public void Forbidden_says_which_permission_is_missing()
    {
        var message = "restoresessions.stash.appscode.com \"x\" is forbidden: User \"system:serviceaccount:demo:restricted\" cannot patch resource \"restoresessions/status\" in API group \"stash.appscode.com\" in the namespace \"demo\"";
        var target = new ApiRequestTarget("patch", "restoresessions.stash.appscode.com", "demo", "x", "status");

        var error = KubernetesErrors.ToException(403, Status(403, "Forbidden", message), target, Server);

        Assert.IsType<DependencyUnavailableException>(error);
        Assert.StartsWith("permission missing: ", error.Message);
        Assert.Contains("cannot patch resource \"restoresessions/status\"", error.Message);
        Assert.Contains("in the namespace \"demo\"", error.Message);
        Assert.Contains("\"patch\" on \"restoresessions.stash.appscode.com/status\"", error.Message);
    }

    [Fact]
    public void Forbidden_without_a_body_builds_the_permission_from_the_request()
    {
        var target = new ApiRequestTarget("get", "secrets", "backup", "creds");

        var error = KubernetesErrors.ToException(403, "", target, Server);

        Assert.Contains("cannot get resource \"secrets\" in namespace \"backup\"", error.Message);
    }

    [Fact]
    public void Unprocessable_is_invalid_input_with_the_field_paths()
    {
        var message = "RestoreSession.stash.appscode.com \"x\" is invalid: status.stats[0].phase: Unsupported value: \"Bogus\": supported values: \"Succeeded\", \"Failed\", \"Running\", \"Unknown\"";

        var error = KubernetesErrors.ToException(422, Status(422, "Invalid", message), GetSession with { Verb = "patch" }, Server);

        var invalid = Assert.IsType<InvalidInputException>(error);
        Assert.Equal(ExitCodes.InvalidInput, invalid.ExitCode);
        Assert.Contains("status.stats[0].phase: Unsupported value: \"Bogus\"", error.Message);
    }

    [Fact]
    public void Server_errors_after_retries_say_so_on_one_line()
    {
        var error = KubernetesErrors.ToException(503, Status(503, "ServiceUnavailable", "etcd\nleader changed"), GetSession, Server);

        Assert.IsType<DependencyUnavailableException>(error);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("503 ServiceUnavailable", error.Message);
        Assert.Contains("etcd leader changed", error.Message);
        Assert.EndsWith("(gave up after retrying)", error.Message);
        Assert.True(KubernetesApiException.IsTransient(error));
    }

    [Fact]
    public void A_token_in_a_message_is_scrubbed()
    {
        var error = KubernetesErrors.ToException(500, Status(500, "InternalError", "bad header Bearer tok-123456789"), GetSession, Server,
            text => text.Replace("tok-123456789", "***"));

        Assert.DoesNotContain("tok-123456789", error.Message);
        Assert.Contains("Bearer ***", error.Message);
    }

    [Theory]
    [InlineData(429, true, true)]
    [InlineData(500, true, false)]
    [InlineData(502, true, false)]
    [InlineData(503, true, false)]
    [InlineData(504, true, false)]
    [InlineData(400, false, false)]
    [InlineData(401, false, false)]
    [InlineData(403, false, false)]
    [InlineData(404, false, false)]
    [InlineData(409, false, false)]
    [InlineData(422, false, false)]
    public void Answers_are_retried_only_when_they_may_pass(int statusCode, bool idempotent, bool notIdempotent)
    {
        using var response = new HttpResponseMessage((System.Net.HttpStatusCode)statusCode);
        var outcome = Outcome.FromResult(response);

        Assert.Equal(idempotent, KubernetesRetryClassifier.ShouldRetry(outcome, RequestSafety.Idempotent));
        Assert.Equal(notIdempotent, KubernetesRetryClassifier.ShouldRetry(outcome, RequestSafety.NotIdempotent));
    }

    [Fact]
    public void Broken_connections_are_retried_but_a_write_only_when_it_never_left()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var dropped = new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
        var attemptTimeout = new TimeoutRejectedException();

        Assert.True(KubernetesRetryClassifier.ShouldRetry(refused, RequestSafety.Idempotent));
        Assert.True(KubernetesRetryClassifier.ShouldRetry(dropped, RequestSafety.Idempotent));
        Assert.True(KubernetesRetryClassifier.ShouldRetry(attemptTimeout, RequestSafety.Idempotent));
        Assert.True(KubernetesRetryClassifier.ShouldRetry(refused, RequestSafety.NotIdempotent));
        Assert.False(KubernetesRetryClassifier.ShouldRetry(dropped, RequestSafety.NotIdempotent));
        Assert.False(KubernetesRetryClassifier.ShouldRetry(attemptTimeout, RequestSafety.NotIdempotent));
        Assert.False(KubernetesRetryClassifier.ShouldRetry(new OperationCanceledException(), RequestSafety.Idempotent));
    }

    [Fact]
    public void A_refused_server_certificate_is_never_retried_however_deep_the_refusal_is_wrapped()
    {
        var refusal = new ApiServerNotTrustedException("the API server is not trusted: its certificate (CN=x) does not chain to the CA");
        var direct = new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.", refusal);
        var wrapped = new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.",
            new System.Security.Authentication.AuthenticationException("Authentication failed, see inner exception.", refusal));
        var otherTlsFault = new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.",
            new IOException("Received an unexpected EOF or 0 bytes from the transport stream."));

        Assert.False(KubernetesRetryClassifier.ShouldRetry(direct, RequestSafety.Idempotent));
        Assert.False(KubernetesRetryClassifier.ShouldRetry(wrapped, RequestSafety.Idempotent));
        Assert.True(KubernetesRetryClassifier.ShouldRetry(otherTlsFault, RequestSafety.Idempotent));
        Assert.Same(refusal, ApiServerNotTrustedException.FoundIn(wrapped));
        Assert.Null(ApiServerNotTrustedException.FoundIn(otherTlsFault));
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_a_date()
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(TimeSpan.FromSeconds(3), KubernetesRetryClassifier.ReadRetryAfter(new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), now));
        Assert.Equal(TimeSpan.FromSeconds(7), KubernetesRetryClassifier.ReadRetryAfter(new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddSeconds(7)), now));
        Assert.Null(KubernetesRetryClassifier.ReadRetryAfter(null, now));
    }
}

public sealed class PodExecStatusTests
{
    [Fact]
    public void Success_is_exit_code_zero()
    {
        var result = KubernetesPodExec.ParseStatus("""{"metadata":{},"status":"Success"}""");

        Assert.Equal(new PodExecResult(0, null), result);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Non_zero_exit_code_comes_from_the_ExitCode_cause()
    {
        var result = KubernetesPodExec.ParseStatus("""
            {"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}
            """);

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Contains("exit code 3", result.Message);
    }

    [Fact]
    public void A_failure_without_an_exit_code_is_never_a_success()
    {
        var result = KubernetesPodExec.ParseStatus("""{"status":"Failure","message":"container not found (\"db\")","reason":"InternalError"}""");
        var garbage = KubernetesPodExec.ParseStatus("not json at all");

        Assert.Equal(-1, result.ExitCode);
        Assert.Equal("container not found (\"db\")", result.Message);
        Assert.Equal(-1, garbage.ExitCode);
    }
}
