using System.Text.Json;
using System.Text.RegularExpressions;
using Serilog.Events;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>A KubeStash run's lines name the component where a Stash run's name the host.</summary>
public sealed class ComponentLogPrefixTests
{
    private static (Serilog.Core.Logger Logger, StringWriter Output) NewLogger(LogFormat format)
    {
        var output = new StringWriter();
        var options = new LogOptions(format, LogEventLevel.Information, IsTerminal: false) { Namespace = "demo", Session = "restore-x" };
        return (RestoreLogging.Create(options, output, new SecretMasker()), output);
    }

    [Fact]
    public void Text_names_the_component_in_the_prefix_and_not_again_as_a_suffix()
    {
        var (logger, output) = NewLogger(LogFormat.Text);

        logger.ForComponent("dump-pod-0").Information("Restoring {Calls} restic call(s)", 2);
        // The property name KubeStashComponentRestore sets directly.
        logger.ForContext("Component", "manifest").Warning("slow");
        logger.Dispose();

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(new Regex(@"^\d\d:\d\d:\d\d INF \[demo/restore-x component=dump-pod-0\] Restoring 2 restic call\(s\)$"), lines[0]);
        Assert.Matches(new Regex(@"^\d\d:\d\d:\d\d WRN \[demo/restore-x component=manifest\] slow$"), lines[1]);
    }

    [Fact]
    public void Json_keeps_the_component_as_a_property()
    {
        var (logger, output) = NewLogger(LogFormat.Json);

        logger.ForComponent("dump-pod-1").Information("done");
        logger.Dispose();

        var line = JsonDocument.Parse(output.ToString().Trim()).RootElement;
        Assert.Equal("dump-pod-1", line.GetProperty("Component").GetString());
        Assert.Equal("restore-x", line.GetProperty("session").GetString());
        Assert.Equal("done", line.GetProperty("msg").GetString());
    }

    [Fact]
    public void A_host_and_a_component_are_both_shown()
    {
        var (logger, output) = NewLogger(LogFormat.Text);

        logger.ForHost("host-1").ForComponent("dump").Information("x");
        logger.Dispose();

        Assert.Contains("[demo/restore-x host-1 component=dump] x", output.ToString(), StringComparison.Ordinal);
    }
}
