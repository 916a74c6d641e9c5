using System.Text.Json;
using System.Text.RegularExpressions;
using Serilog.Events;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Secrets;
using static Stash.Restore.Core.Tests.Logging.LogOutput;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>Text log lines (a terminal): time, level, session and host, the message, other properties after it, secrets masked.</summary>
public sealed class TextLogFormatterTests
{
    [Fact]
    public void TextLineHasTimeLevelSessionHostAndMessage()
    {
        var (logger, output, _) = NewLogger(LogFormat.Text);

        logger.ForHost("host-1").Information("Restoring {Path} from {Snapshot}", "/data", "1a2b3c4d");
        logger.Dispose();

        var line = Assert.Single(Lines(output));
        Assert.Matches(new Regex(@"^\d\d:\d\d:\d\d INF \[demo/sts-restore host-1\] Restoring /data from 1a2b3c4d$"), line);
    }

    [Fact]
    public void HostGivenLaterOverridesTheOneGivenAtStart()
    {
        var masker = new SecretMasker();
        var output = new StringWriter();
        var options = new LogOptions(LogFormat.Json, LogEventLevel.Information, IsTerminal: false) { Host = "host-0" };
        using var logger = RestoreLogging.Create(options, output, masker);

        logger.Information("before");
        logger.ForHost("host-3").Information("after");
        logger.ForSession("prod", "db-restore").Information("session learnt");

        var lines = JsonLines(output);
        Assert.Equal("host-0", lines[0].GetProperty("host").GetString());
        Assert.Equal("host-3", lines[1].GetProperty("host").GetString());
        Assert.Equal("prod", lines[2].GetProperty("namespace").GetString());
        Assert.Equal("db-restore", lines[2].GetProperty("session").GetString());
    }

    [Fact]
    public void TextLineWithoutHostYetNamesOnlyTheSession()
    {
        var (logger, output, _) = NewLogger(LogFormat.Text);

        logger.Warning("Host not known yet");

        Assert.Matches(new Regex(@"^\d\d:\d\d:\d\d WRN \[demo/sts-restore\] Host not known yet$"), Assert.Single(Lines(output)));
    }

    [Fact]
    public void TextLineAppendsPropertiesTheMessageDoesNotMention()
    {
        var (logger, output, _) = NewLogger(LogFormat.Text);

        logger.ForHost("host-0").ForContext("ExitCode", 12).Error("restic failed");

        Assert.EndsWith("[demo/sts-restore host-0] restic failed ExitCode=12", Assert.Single(Lines(output)));
    }

    [Fact]
    public void TextMasksSecretInMessagePropertyAndException()
    {
        var (logger, output, _) = NewLogger(LogFormat.Text);

        logger.Information("password is {Password}", Secret);
        logger.ForContext("Token", $"Bearer {Secret}").Information("calling the API");
        logger.Error(new InvalidOperationException($"bad key {Secret} rejected"), "restore failed");

        var text = output.ToString();
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("password is ***", text, StringComparison.Ordinal);
        Assert.Contains("Token=\"Bearer ***\"", text, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: bad key *** rejected", text, StringComparison.Ordinal);
    }
}
