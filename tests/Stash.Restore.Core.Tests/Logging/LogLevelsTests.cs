using Serilog.Events;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.Core.Tests.Logging;

public sealed class LogLevelsTests
{
    [Theory]
    [InlineData(-1, LogEventLevel.Information)]
    [InlineData(0, LogEventLevel.Information)]
    [InlineData(1, LogEventLevel.Information)]
    [InlineData(2, LogEventLevel.Debug)]
    [InlineData(3, LogEventLevel.Debug)]
    [InlineData(4, LogEventLevel.Verbose)]
    [InlineData(10, LogEventLevel.Verbose)]
    public void KlogVerbosityMapsToLevel(int verbosity, LogEventLevel expected) =>
        Assert.Equal(expected, LogLevels.FromVerbosity(verbosity));

    [Theory]
    [InlineData("debug", LogEventLevel.Debug)]
    [InlineData("info", LogEventLevel.Information)]
    [InlineData("warn", LogEventLevel.Warning)]
    [InlineData("error", LogEventLevel.Error)]
    [InlineData("INFO", LogEventLevel.Information)]
    [InlineData(" Warning ", LogEventLevel.Warning)]
    [InlineData("trace", LogEventLevel.Verbose)]
    [InlineData("fatal", LogEventLevel.Fatal)]
    public void LogLevelNamesMapToLevel(string name, LogEventLevel expected)
    {
        Assert.True(LogLevels.TryParse(name, out var level));
        Assert.Equal(expected, level);
        Assert.Equal(expected, LogLevels.Parse(name));
    }

    [Theory]
    [InlineData("loud")]
    [InlineData("")]
    [InlineData(null)]
    public void UnknownLogLevelIsInvalidInput(string? name)
    {
        Assert.False(LogLevels.TryParse(name, out _));
        var error = Assert.Throws<InvalidInputException>(() => LogLevels.Parse(name));
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.Contains("debug, info, warn, error", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text", "Text")]
    [InlineData("JSON", "Json")]
    [InlineData("auto", "Auto")]
    [InlineData(null, "Auto")]
    public void LogFormatNamesMapToFormat(string? name, string expected) =>
        Assert.Equal(expected, LogLevels.ParseFormat(name).ToString());

    [Fact]
    public void UnknownLogFormatIsInvalidInput()
    {
        var error = Assert.Throws<InvalidInputException>(() => LogLevels.ParseFormat("yaml"));
        Assert.Contains("text, json, auto", error.Message, StringComparison.Ordinal);
    }
}
