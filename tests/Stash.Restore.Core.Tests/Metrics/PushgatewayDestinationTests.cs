using Serilog.Events;
using Stash.Restore.Core.Metrics;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;
using Stash.Restore.Core.Tests.Kubernetes;

namespace Stash.Restore.Core.Tests.Metrics;

/// <summary>Whether and where this run's metrics are pushed; passwords reach the masker where they enter.</summary>
public sealed class PushgatewayDestinationTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Without_metrics_enabled_nothing_is_pushed_even_with_a_url()
    {
        var sink = new CollectingSink();

        Assert.Null(PushgatewayDestination.Resolve(false, "http://gw:9091", null, NoEnvironment, new SecretMasker(), sink.Logger()));
        Assert.Empty(sink.Events);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Enabled_without_a_url_is_a_warning_not_a_failure(string? url)
    {
        var sink = new CollectingSink();

        Assert.Null(PushgatewayDestination.Resolve(true, url, null, NoEnvironment, new SecretMasker(), sink.Logger()));
        Assert.Contains((LogEventLevel.Warning, "--metrics-enabled without --pushgateway-url: no metrics will be pushed"), sink.Events);
    }

    [Fact]
    public void Credentials_from_the_environment_are_applied_and_masked()
    {
        var masker = new SecretMasker();
        var environment = new Dictionary<string, string> { ["PUSHGATEWAY_USERNAME"] = "pusher", ["PUSHGATEWAY_PASSWORD"] = "gw-pass-4711" };

        var url = PushgatewayDestination.Resolve(true, "http://gw.monitoring:9091", null, environment, masker, new CollectingSink().Logger());

        Assert.Equal("pusher:gw-pass-4711", url?.UserInfo);
        Assert.Equal("push failed for ***", masker.Apply("push failed for gw-pass-4711"));
    }

    [Fact]
    public void A_password_in_the_url_is_masked_and_warned_about()
    {
        var masker = new SecretMasker();
        var sink = new CollectingSink();

        var url = PushgatewayDestination.Resolve(true, "http://admin:url-pass-0815@gw:9091", null, NoEnvironment, masker, sink.Logger());

        Assert.Equal("gw", url?.Host);
        Assert.DoesNotContain("url-pass-0815", masker.Apply("error url-pass-0815"), StringComparison.Ordinal);
        Assert.Contains(sink.Events, e => e.Level == LogEventLevel.Warning && e.Text.Contains("--pushgateway-url carries a password", StringComparison.Ordinal));
    }

    [Fact]
    public void A_url_that_is_not_http_is_invalid_input()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            PushgatewayDestination.Resolve(true, "ftp://gw", null, NoEnvironment, new SecretMasker(), new CollectingSink().Logger()));

        Assert.StartsWith("--pushgateway-url", error.Message, StringComparison.Ordinal);
    }
}
