using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serilog.Events;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Logging;

public sealed class RestoreLoggingTests
{
    private const string Secret = "s3cr3t-Pa55+word";

    private static (Serilog.Core.Logger Logger, StringWriter Output, SecretMasker Masker) NewLogger(
        LogFormat format,
        LogEventLevel level = LogEventLevel.Information,
        bool isTerminal = false)
    {
        var masker = new SecretMasker();
        masker.Add(Secret);
        var output = new StringWriter();
        var options = new LogOptions(format, level, isTerminal) { Namespace = "demo", Session = "sts-restore" };
        return (RestoreLogging.Create(options, output, masker), output, masker);
    }

    private static string[] Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static JsonElement[] JsonLines(StringWriter output) =>
        Lines(output).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();

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

    [Fact]
    public void SecretAddedAfterTheLoggerWasCreatedIsMaskedFromThenOn()
    {
        var (logger, output, masker) = NewLogger(LogFormat.Text);
        masker.Add("late-secret-value");

        logger.Information("key {Key}", "late-secret-value");

        Assert.EndsWith("key ***", Assert.Single(Lines(output)));
    }

    [Fact]
    public void JsonLineHasTimeLevelMsgContextAndProperties()
    {
        var (logger, output, _) = NewLogger(LogFormat.Json);

        logger.ForHost("host-1").Information("Restored {Files} files to {Path}", 42, "/data");

        var line = Assert.Single(JsonLines(output));
        var time = line.GetProperty("time").GetString()!;
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"), time);
        var parsed = DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
        Assert.InRange(parsed, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal("info", line.GetProperty("level").GetString());
        Assert.Equal("Restored 42 files to /data", line.GetProperty("msg").GetString());
        Assert.Equal("demo", line.GetProperty("namespace").GetString());
        Assert.Equal("sts-restore", line.GetProperty("session").GetString());
        Assert.Equal("host-1", line.GetProperty("host").GetString());
        Assert.Equal(42, line.GetProperty("Files").GetInt32());
        Assert.Equal("/data", line.GetProperty("Path").GetString());
    }

    [Fact]
    public void JsonErrorLineSaysTheMessageOnce()
    {
        var (logger, output, _) = NewLogger(LogFormat.Json);

        logger.Error("{Error}", "restic restore of path /data failed: wrong password");

        var line = Assert.Single(JsonLines(output));
        Assert.Equal("restic restore of path /data failed: wrong password", line.GetProperty("msg").GetString());
        Assert.False(line.TryGetProperty("Error", out _));
        Assert.Equal(2, Lines(output)[0].Split("wrong password").Length);
    }

    [Fact]
    public void JsonIsOneObjectPerLineEvenForMultiLineMessagesAndExceptions()
    {
        var (logger, output, _) = NewLogger(LogFormat.Json);

        logger.Information("first line\nsecond line");
        logger.Error(new InvalidOperationException("boom"), "failed");

        var lines = JsonLines(output);
        Assert.Equal(2, lines.Length);
        Assert.Equal("first line\nsecond line", lines[0].GetProperty("msg").GetString());
        Assert.Equal("error", lines[1].GetProperty("level").GetString());
        Assert.StartsWith("System.InvalidOperationException: boom", lines[1].GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void JsonMasksSecretInMessagePropertyAndException()
    {
        var (logger, output, _) = NewLogger(LogFormat.Json);

        logger.Information("password is {Password}", Secret);
        logger.ForContext("Env", new Dictionary<string, string> { ["RESTIC_PASSWORD"] = Secret }).Information("starting restic");
        logger.Error(new InvalidOperationException($"bad key {Secret} rejected"), "restore failed");

        Assert.DoesNotContain(Secret, output.ToString(), StringComparison.Ordinal);
        var lines = JsonLines(output);
        Assert.Equal("password is ***", lines[0].GetProperty("msg").GetString());
        Assert.Equal("***", lines[0].GetProperty("Password").GetString());
        Assert.Equal("***", lines[1].GetProperty("Env").GetProperty("RESTIC_PASSWORD").GetString());
        Assert.StartsWith("System.InvalidOperationException: bad key *** rejected", lines[2].GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void JsonMasksSecretsThatJsonEscapingWouldChange()
    {
        // A quote and a backslash are escaped in JSON, so masking the finished line alone would miss them.
        const string awkward = "pa\"ss\\word";
        var (logger, output, masker) = NewLogger(LogFormat.Json);
        masker.Add(awkward);

        logger.Information("key {Key}", awkward);

        var text = output.ToString();
        Assert.DoesNotContain("pa\\\"ss\\\\word", text, StringComparison.Ordinal);
        Assert.DoesNotContain(awkward, text, StringComparison.Ordinal);
        Assert.Equal("key ***", Assert.Single(JsonLines(output)).GetProperty("msg").GetString());
    }

    [Fact]
    public void TextMasksSecretsThatQuotingWouldChange()
    {
        // Text format quotes property values and escapes '"' and '\\' inside them.
        const string awkward = "pa\"ss\\word";
        var (logger, output, masker) = NewLogger(LogFormat.Text);
        masker.Add(awkward);

        logger.ForContext("Key", awkward)
            .ForContext("Env", new[] { $"RESTIC_PASSWORD={awkward}" })
            .Information("starting");

        var text = output.ToString();
        Assert.DoesNotContain("pa\\\"ss", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ss\\\\word", text, StringComparison.Ordinal);
        Assert.DoesNotContain(awkward, text, StringComparison.Ordinal);
        Assert.Contains("Key=\"***\"", text, StringComparison.Ordinal);
        Assert.Contains("Env=[\"RESTIC_PASSWORD=***\"]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonKeepsPropertiesNamedLikeReservedKeysApart()
    {
        var (logger, output, _) = NewLogger(LogFormat.Json);

        logger.ForContext("level", "custom").Information("hello");

        var line = Assert.Single(JsonLines(output));
        Assert.Equal("info", line.GetProperty("level").GetString());
        Assert.Equal("custom", line.GetProperty("_level").GetString());
    }

    [Theory]
    [InlineData(true, "text")]
    [InlineData(false, "json")]
    public void AutoFormatIsTextOnATerminalAndJsonOtherwise(bool isTerminal, string expected)
    {
        var (logger, output, _) = NewLogger(LogFormat.Auto, isTerminal: isTerminal);

        logger.Information("hello");

        var line = Assert.Single(Lines(output));
        Assert.Equal(expected, line.StartsWith('{') ? "json" : "text");
    }

    [Fact]
    public void EventsBelowTheMinimumLevelAreDropped()
    {
        var (logger, output, _) = NewLogger(LogFormat.Text, LogEventLevel.Warning);

        logger.Debug("debug");
        logger.Information("info");
        logger.Warning("warn");

        Assert.EndsWith("WRN [demo/sts-restore] warn", Assert.Single(Lines(output)));
    }

    [Fact]
    public void VerboseLevelWritesTraceEvents()
    {
        var (logger, output, _) = NewLogger(LogFormat.Json, LogEventLevel.Verbose);

        logger.Verbose("restic stdout line");

        Assert.Equal("trace", Assert.Single(JsonLines(output)).GetProperty("level").GetString());
    }

    [Fact]
    public void DisposingTheLoggerLeavesTheOutputOpen()
    {
        var (logger, output, _) = NewLogger(LogFormat.Text);
        logger.Dispose();

        output.Write("still usable");

        Assert.Equal("still usable", output.ToString());
    }

    [Fact]
    public async Task ConcurrentWritersNeverInterleaveJsonLines()
    {
        var (logger, output, _) = NewLogger(LogFormat.Json);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(() =>
        {
            var hostLogger = logger.ForHost($"host-{writer}");
            for (var i = 0; i < 50; i++)
                hostLogger.Information("line {Index} of {Writer}", i, writer);
        })));

        var lines = JsonLines(output);
        Assert.Equal(400, lines.Length);
        Assert.Equal(50, lines.Count(l => l.GetProperty("host").GetString() == "host-3"));
    }
}
