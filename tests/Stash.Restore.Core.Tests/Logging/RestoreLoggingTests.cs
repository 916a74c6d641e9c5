using System.Text.Json;
using Serilog.Events;
using Stash.Restore.Core.Logging;
using static Stash.Restore.Core.Tests.Logging.LogOutput;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>The executor's logger: the format chosen for the output and the level.</summary>
public sealed class RestoreLoggingTests
{
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
}
