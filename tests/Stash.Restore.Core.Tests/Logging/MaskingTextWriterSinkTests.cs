using Stash.Restore.Core.Logging;
using static Stash.Restore.Core.Tests.Logging.LogOutput;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>Where log text is written: masked with the secrets known when the line is written, whole lines under concurrent writers, and the output left open.</summary>
public sealed class MaskingTextWriterSinkTests
{
    [Fact]
    public void SecretAddedAfterTheLoggerWasCreatedIsMaskedFromThenOn()
    {
        var (logger, output, masker) = NewLogger(LogFormat.Text);
        masker.Add("late-secret-value");

        logger.Information("key {Key}", "late-secret-value");

        Assert.EndsWith("key ***", Assert.Single(Lines(output)));
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
