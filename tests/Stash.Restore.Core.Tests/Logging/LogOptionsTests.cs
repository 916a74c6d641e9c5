using Serilog.Events;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>The log format in effect: auto becomes text on a terminal and JSON lines otherwise; a chosen format is kept.</summary>
public sealed class LogOptionsTests
{
    [Theory]
    [InlineData("Auto", true, "Text")]
    [InlineData("Auto", false, "Json")]
    [InlineData("Json", true, "Json")]
    [InlineData("Text", false, "Text")]
    public void EffectiveFormatDecidesAuto(string format, bool isTerminal, string expected) =>
        Assert.Equal(expected, new LogOptions(Enum.Parse<LogFormat>(format), LogEventLevel.Information, isTerminal).EffectiveFormat.ToString());
}
