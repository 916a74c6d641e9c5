using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Serilog.Events;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Metrics;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Metrics;

public sealed class PushgatewayMetricsPublisherTests(PushgatewayFixture gateway) : IClassFixture<PushgatewayFixture>
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

    private static readonly UnitRestoreReport Succeeded =
        new("host-1", "Succeeded", TimeSpan.FromTicks(1_605_958_575), null, 1200, 5_000_000);

    // The real Pushgateway answers what the push did to the host's group; the hand-written
    // TestPushgateway stays for what only a scripted server can do (auth header, error answers).

    [RequiresToolFact(TestTool.Pushgateway)]
    public async Task PostsTheMetricsToTheHostsGroupWithoutErasingItsOtherSeries()
    {
        var labels = Labels with { InvokerName = "post-not-put" };
        using var http = new HttpClient();
        // Another series already in the same group: a PUT would erase it, a POST keeps it.
        var groupUrl = new Uri(gateway.Url, "/metrics/job/restoresession-demo-post-not-put/hostname/host-1");
        using (var put = await http.PutAsync(groupUrl, new StringContent("other_series 7\n")))
            Assert.True(put.IsSuccessStatusCode, $"PUT answered {(int)put.StatusCode}");
        var log = new LogCapture();
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, labels, log.Logger);

        await publisher.PublishAsync(Succeeded, CancellationToken.None);

        Assert.Empty(log.Rendered(LogEventLevel.Warning));
        var group = PushgatewayFixture.Group(await PushgatewayFixture.ScrapeAsync(gateway.Url), "restoresession-demo-post-not-put", "host-1");
        Assert.Equal(7, group.Single(s => s.Name == "other_series").Value);
        var samples = group.Where(s => s.Name.StartsWith("stash_", StringComparison.Ordinal))
            .ToDictionary(s => s.Name, s => s.Value);
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["stash_restore_host_restore_success"] = 1,
                ["stash_restore_host_restore_duration_seconds"] = 160.5958575,
                ["stash_restore_host_restore_files_restored"] = 1200,
                ["stash_restore_host_restore_bytes_restored"] = 5_000_000,
                ["stash_appscode_com_restoresession_host_restore_success"] = 1,
                ["stash_appscode_com_restoresession_host_restore_duration_seconds"] = 160.5958575,
            },
            samples);
        var sample = group.First(s => s.Name == "stash_restore_host_restore_success");
        Assert.Equal(
            "driver=Restic,group=apps,hostname=host-1,instance=,invoker_kind=RestoreSession,invoker_name=post-not-put,job=restoresession-demo-post-not-put,kind=StatefulSet,name=sts,namespace=demo,repository=gcs-repo",
            string.Join(',', sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
    }

    [RequiresToolFact(TestTool.Pushgateway)]
    public async Task FailedHostPushesZeroSuccess()
    {
        using var http = new HttpClient();
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, Labels with { InvokerName = "failed-host" }, new LogCapture().Logger);

        await publisher.PublishAsync(Succeeded with { Phase = "Failed", Error = "restic exited 12" }, CancellationToken.None);

        var group = PushgatewayFixture.Group(await PushgatewayFixture.ScrapeAsync(gateway.Url), "restoresession-demo-failed-host", "host-1");
        Assert.Equal(0, group.Single(s => s.Name == "stash_restore_host_restore_success").Value);
        Assert.Equal(0, group.Single(s => s.Name == "stash_appscode_com_restoresession_host_restore_success").Value);
    }

    [RequiresToolFact(TestTool.Pushgateway)]
    public async Task HostnameWithSlashTravelsInBase64FormAndArrivesWhole()
    {
        using var http = new HttpClient();
        var log = new LogCapture();
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, Labels with { InvokerName = "slash-host" }, log.Logger);

        await publisher.PublishAsync(Succeeded with { Unit = "node/a" }, CancellationToken.None);

        Assert.Empty(log.Rendered(LogEventLevel.Warning));
        var group = PushgatewayFixture.Group(await PushgatewayFixture.ScrapeAsync(gateway.Url), "restoresession-demo-slash-host", "node/a");
        Assert.Equal(1, group.Single(s => s.Name == "stash_restore_host_restore_success").Value);
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

public sealed class PushgatewaySecretCutTests
{
    [Fact]
    public async Task A_secret_straddling_the_300_character_cut_of_an_error_reply_is_not_shown_in_part()
    {
        const string secret = "pgw-SECRET-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        await using var gateway = new TestPushgateway(400, new string('e', 290) + secret);
        var masker = new SecretMasker();
        masker.Add(secret);
        var log = new LogCapture();
        using var http = new HttpClient();
        var labels = new RestoreMetricsLabels("RestoreSession", "rs", "demo", "Restic", "repo", "StatefulSet", "apps", "sts");
        var publisher = new PushgatewayMetricsPublisher(http, gateway.Url, labels, log.Logger, masker: masker);

        await publisher.PublishAsync(new UnitRestoreReport("host-0", "Succeeded", TimeSpan.FromSeconds(1), null, 1, 1), CancellationToken.None);

        Assert.DoesNotContain("pgw-SEC", log.Text, StringComparison.Ordinal);
        Assert.Contains(new string('e', 10) + "***", log.Text, StringComparison.Ordinal);
    }
}
