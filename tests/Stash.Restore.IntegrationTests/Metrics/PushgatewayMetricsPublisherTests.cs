using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Serilog.Events;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Metrics;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Metrics;

public sealed class PushgatewayMetricsPublisherTests
{
    private static readonly RestoreMetricsLabels Labels = new(
        InvokerKind: "RestoreSession",
        InvokerName: "sts-restore",
        Namespace: "demo",
        Driver: "Restic",
        Repository: "gcs-repo",
        TargetKind: "StatefulSet",
        TargetGroup: "apps",
        TargetName: "sts");

    private const string HostLabels =
        "{invoker_kind=\"RestoreSession\",invoker_name=\"sts-restore\",namespace=\"demo\",driver=\"Restic\","
        + "repository=\"gcs-repo\",kind=\"StatefulSet\",group=\"apps\",name=\"sts\",hostname=\"host-1\"}";

    private static readonly UnitRestoreReport Succeeded =
        new("host-1", "Succeeded", TimeSpan.FromTicks(1_605_958_575), null, 1200, 5_000_000);

    [Fact]
    public async Task PostsTheMetricsToTheHostsGroup()
    {
        await using var gateway = new TestPushgateway();
        var log = new LogCapture();
        using var http = new HttpClient();
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, Labels, log.Logger);

        await publisher.PublishAsync(Succeeded, CancellationToken.None);

        var push = Assert.Single(gateway.Requests);
        Assert.Equal("POST", push.Method);
        Assert.Equal("/metrics/job/restoresession-demo-sts-restore/hostname/host-1", push.RawPath);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", push.ContentType);
        Assert.Null(push.Authorization);
        var samples = push.Body.Split('\n').Where(l => !l.StartsWith('#') && l.Length > 0).ToArray();
        Assert.Equal(
            [
                "stash_restore_host_restore_success" + HostLabels + " 1",
                "stash_restore_host_restore_duration_seconds" + HostLabels + " 160.5958575",
                "stash_restore_host_restore_files_restored" + HostLabels + " 1200",
                "stash_restore_host_restore_bytes_restored" + HostLabels + " 5000000",
                "stash_appscode_com_restoresession_host_restore_success" + HostLabels + " 1",
                "stash_appscode_com_restoresession_host_restore_duration_seconds" + HostLabels + " 160.5958575",
            ],
            samples);
        Assert.Contains("# TYPE stash_restore_host_restore_success gauge", push.Body.Split('\n'));
        Assert.Contains("# TYPE stash_appscode_com_restoresession_host_restore_duration_seconds gauge", push.Body.Split('\n'));
        Assert.Empty(log.Rendered(LogEventLevel.Warning));
    }

    [Fact]
    public async Task FailedHostPushesZeroSuccess()
    {
        await using var gateway = new TestPushgateway();
        using var http = new HttpClient();
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, Labels, new LogCapture().Logger);

        await publisher.PublishAsync(Succeeded with { Phase = "Failed", Error = "restic exited 12" }, CancellationToken.None);

        var body = Assert.Single(gateway.Requests).Body.Split('\n');
        Assert.Contains("stash_restore_host_restore_success" + HostLabels + " 0", body);
        Assert.Contains("stash_appscode_com_restoresession_host_restore_success" + HostLabels + " 0", body);
    }

    [Fact]
    public async Task HostnameWithSlashTravelsInBase64Form()
    {
        await using var gateway = new TestPushgateway();
        using var http = new HttpClient();
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, Labels, new LogCapture().Logger);

        await publisher.PublishAsync(Succeeded with { Unit = "node/a" }, CancellationToken.None);

        var push = Assert.Single(gateway.Requests);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("node/a")).Replace('+', '-').Replace('/', '_');
        Assert.Equal("/metrics/job/restoresession-demo-sts-restore/hostname@base64/" + encoded, push.RawPath);
        Assert.Contains("hostname=\"node/a\"", push.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserInfoInTheUrlIsSentAsBasicAuthAndNeverLogged()
    {
        await using var gateway = new TestPushgateway(500, "boom");
        var log = new LogCapture();
        using var http = new HttpClient();
        var url = new Uri($"http://metrics:gw-pa55word@127.0.0.1:{gateway.Port}");
        var publisher = new PushgatewayMetricsPublisher(http, url, Labels, log.Logger);

        await publisher.PublishAsync(Succeeded, CancellationToken.None);

        var push = Assert.Single(gateway.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("metrics:gw-pa55word")), push.Authorization);
        var warning = Assert.Single(log.Rendered(LogEventLevel.Warning));
        Assert.DoesNotContain("gw-pa55word", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerErrorIsAWarningNamingStatusAndReason()
    {
        await using var gateway = new TestPushgateway(500, "pushed metrics are invalid or inconsistent with existing metrics");
        var log = new LogCapture();
        using var http = new HttpClient();
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, Labels, log.Logger);

        await publisher.PublishAsync(Succeeded, CancellationToken.None);

        Assert.Single(gateway.Requests);
        var warning = Assert.Single(log.Rendered(LogEventLevel.Warning));
        Assert.Contains("host-1", warning, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{gateway.Port}", warning, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", warning, StringComparison.Ordinal);
        Assert.Contains("pushed metrics are invalid or inconsistent with existing metrics", warning, StringComparison.Ordinal);
        Assert.Empty(log.Rendered(LogEventLevel.Error));
    }

    [Fact]
    public async Task ClosedPortIsAWarningAndNoException()
    {
        var port = TestPushgateway.FreePort();
        var log = new LogCapture();
        using var http = new HttpClient();
        var publisher = new PushgatewayMetricsPublisher(http, new Uri($"http://127.0.0.1:{port}"), Labels, log.Logger);

        await publisher.PublishAsync(Succeeded, CancellationToken.None);

        var warning = Assert.Single(log.Rendered(LogEventLevel.Warning));
        Assert.Contains("Could not push restore metrics of host host-1", warning, StringComparison.Ordinal);
        Assert.Contains("refused", warning, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ServerThatNeverAnswersIsAWarningAfterTheTimeout()
    {
        // Accepts connections (the OS completes the handshake) but never reads or answers.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var log = new LogCapture();
            using var http = new HttpClient();
            var publisher = new PushgatewayMetricsPublisher(
                http, new Uri($"http://127.0.0.1:{port}"), Labels, log.Logger, TimeSpan.FromMilliseconds(300));

            await publisher.PublishAsync(Succeeded, CancellationToken.None);

            var warning = Assert.Single(log.Rendered(LogEventLevel.Warning));
            Assert.Contains("no answer within 0.3s", warning, StringComparison.Ordinal);
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task CancelledPushIsAWarningAndNoException()
    {
        await using var gateway = new TestPushgateway();
        var log = new LogCapture();
        using var http = new HttpClient();
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, Labels, log.Logger);

        await publisher.PublishAsync(Succeeded, new CancellationToken(canceled: true));

        Assert.Contains("cancelled", Assert.Single(log.Rendered(LogEventLevel.Warning)), StringComparison.Ordinal);
    }
}

public sealed class PushgatewayWarningThroughTheRealLoggerTests
{
    [Fact]
    public async Task ErrorAnswerEchoingASecretIsMaskedInTheJsonLogLine()
    {
        const string secret = "AKIA-very-secret-key";
        await using var gateway = new TestPushgateway(400, $"bad label value \"{secret}\"");
        var masker = new SecretMasker();
        masker.Add(secret);
        var output = new StringWriter();
        using var logger = RestoreLogging.Create(
            new LogOptions(LogFormat.Json, LogEventLevel.Information, IsTerminal: false)
            {
                Namespace = "demo",
                Session = "sts-restore",
            },
            output,
            masker);
        using var http = new HttpClient();
        var labels = new RestoreMetricsLabels("RestoreSession", "sts-restore", "demo", "Restic", "repo", "StatefulSet", "apps", "sts");
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, labels, logger.ForHost("host-2"));

        await publisher.PublishAsync(new UnitRestoreReport("host-2", "Succeeded", TimeSpan.FromSeconds(3), null, 1, 1), CancellationToken.None);

        Assert.DoesNotContain(secret, output.ToString(), StringComparison.Ordinal);
        var line = JsonDocument.Parse(output.ToString().Trim()).RootElement;
        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.Equal("host-2", line.GetProperty("host").GetString());
        Assert.Equal("sts-restore", line.GetProperty("session").GetString());
        Assert.Contains("HTTP 400 Bad Request: bad label value \"***\"", line.GetProperty("msg").GetString(), StringComparison.Ordinal);
    }
}
