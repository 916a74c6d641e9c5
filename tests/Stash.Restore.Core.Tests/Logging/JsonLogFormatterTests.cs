using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stash.Restore.Core.Logging;
using static Stash.Restore.Core.Tests.Logging.LogOutput;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>JSON log lines: one object per line with time, level, msg, the run's context and properties, secrets masked.</summary>
public sealed class JsonLogFormatterTests
{
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
    public void JsonKeepsPropertiesNamedLikeReservedKeysApart()
    {
        var (logger, output, _) = NewLogger(LogFormat.Json);

        logger.ForContext("level", "custom").Information("hello");

        var line = Assert.Single(JsonLines(output));
        Assert.Equal("info", line.GetProperty("level").GetString());
        Assert.Equal("custom", line.GetProperty("_level").GetString());
    }
}
