using Stash.Restore.Core.Metrics;

namespace Stash.Restore.Core.Tests.Metrics;

public sealed class PushgatewayUrlTests
{
    [Theory]
    [InlineData("http://pushgateway.monitoring:9091", "http://pushgateway.monitoring:9091/metrics/job/restoresession-demo-sts-restore/hostname/host-1")]
    [InlineData("http://pushgateway.monitoring:9091/", "http://pushgateway.monitoring:9091/metrics/job/restoresession-demo-sts-restore/hostname/host-1")]
    [InlineData("https://gw.example/prefix/", "https://gw.example/prefix/metrics/job/restoresession-demo-sts-restore/hostname/host-1")]
    [InlineData("stash-operator.kube-system.svc:56789", "http://stash-operator.kube-system.svc:56789/metrics/job/restoresession-demo-sts-restore/hostname/host-1")]
    [InlineData("http://user:pa55word@gw:9091", "http://gw:9091/metrics/job/restoresession-demo-sts-restore/hostname/host-1")]
    public void GroupUrlIsBaseThenJobThenHostname(string baseUrl, string expected) =>
        Assert.Equal(expected, PushgatewayUrl.ForGroup(PushgatewayUrl.Parse(baseUrl), "restoresession-demo-sts-restore", "host-1").ToString());

    [Fact]
    public void ValueWithSlashUsesBase64UrlForm() =>
        // "a/b?" is YS9iPw== in standard base64; base64url has no '/' or '+'.
        Assert.Equal("hostname@base64/YS9iPw==", PushgatewayUrl.Segment("hostname", "a/b?"));

    [Fact]
    public void ValueWhoseBase64HasSlashOrPlusUsesTheUrlAlphabet() =>
        // "/??>" is Lz8/Pg== in standard base64.
        Assert.Equal("hostname@base64/Lz8_Pg==", PushgatewayUrl.Segment("hostname", "/??>"));

    [Fact]
    public void EmptyValueUsesBase64Form() =>
        Assert.Equal("hostname@base64/=", PushgatewayUrl.Segment("hostname", ""));

    [Fact]
    public void OtherValuesArePercentEscaped() =>
        Assert.Equal("hostname/host%201%3F%25", PushgatewayUrl.Segment("hostname", "host 1?%"));

    [Fact]
    public void EscapedSegmentSurvivesIntoTheUrl()
    {
        var url = PushgatewayUrl.ForGroup(new Uri("http://gw:9091"), "restoresession-demo-a b", "db/0");

        Assert.Equal("/metrics/job/restoresession-demo-a%20b/hostname@base64/ZGIvMA==", url.AbsolutePath);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("ftp://gw:21")]
    [InlineData("http://")]
    public void NotAnHttpUrlIsInvalidInput(string? value)
    {
        var error = Assert.Throws<InvalidInputException>(() => PushgatewayUrl.Parse(value));
        Assert.StartsWith("--pushgateway-url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUrlErrorDoesNotEchoThePassword()
    {
        var error = Assert.Throws<InvalidInputException>(() => PushgatewayUrl.Parse("ftp://admin:hunter2secret@gw"));
        Assert.DoesNotContain("hunter2secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("ftp://admin:***@gw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisplayLeavesOutUserInfo() =>
        Assert.Equal("http://gw:9091/x", PushgatewayUrl.Display(new Uri("http://admin:hunter2@gw:9091/x?token=abc")));
}
