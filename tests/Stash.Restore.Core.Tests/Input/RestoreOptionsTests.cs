using Serilog.Events;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>How a run logs, from the bound flags.</summary>
public sealed class RestoreOptionsTests
{
    [Fact]
    public void Defaults_log_info_in_the_format_the_terminal_decides()
    {
        var options = new RestoreOptions().LogOptions(errorIsTerminal: true);

        Assert.Equal(new LogOptions(LogFormat.Auto, LogEventLevel.Information, true), options);
        Assert.Equal(LogFormat.Text, options.EffectiveFormat);
        Assert.Equal(LogFormat.Json, new RestoreOptions().LogOptions(errorIsTerminal: false).EffectiveFormat);
    }

    [Fact]
    public void Verbosity_maps_to_a_level_and_log_level_wins_over_it()
    {
        Assert.Equal(LogEventLevel.Debug, new RestoreOptions { Verbosity = 3 }.LogOptions(false).MinimumLevel);
        Assert.Equal(LogEventLevel.Warning, new RestoreOptions { Verbosity = 3, LogLevel = "warn" }.LogOptions(false).MinimumLevel);
        Assert.Equal(LogFormat.Json, new RestoreOptions { LogFormat = "json" }.LogOptions(true).EffectiveFormat);
    }

    [Fact]
    public void An_unknown_level_is_invalid_input_naming_the_flag()
    {
        var error = Assert.Throws<InvalidInputException>(() => new RestoreOptions { LogLevel = "loud" }.LogOptions(false));

        Assert.Equal("--log-level \"loud\" is not a log level; use one of: debug, info, warn, error", error.Message);
    }

    [Fact]
    public void Json_output_is_only_json()
    {
        Assert.True(new RestoreOptions { Output = "json" }.JsonOutput);
        Assert.False(new RestoreOptions().JsonOutput);
    }
}
