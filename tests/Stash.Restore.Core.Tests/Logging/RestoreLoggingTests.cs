using System.Text.Json;
using Serilog.Events;
using Stash.Restore.Core.Logging;
using static Stash.Restore.Core.Tests.Logging.LogOutput;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>The executor's logger: the format chosen for the output, the level, the output left open, concurrent writers.</summary>
public sealed class RestoreLoggingTests
{
    [Fact]
    public void SecretAddedAfterTheLoggerWasCreatedIsMaskedFromThenOn()
    {
        var (logger, output, masker) = NewLogger(LogFormat.Text);
        masker.Add("late-secret-value");

        logger.Information("key {Key}", "late-secret-value");

        Assert.EndsWith("key ***", Assert.Single(Lines(output)));
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
