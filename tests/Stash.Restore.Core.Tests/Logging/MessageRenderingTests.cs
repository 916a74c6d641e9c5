using Serilog.Events;
using Serilog.Parsing;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.Core.Tests.Logging;

/// <summary>The message both log formats print: string values without Serilog's quotes, everything else as Serilog renders it.</summary>
public sealed class MessageRenderingTests
{
    private static LogEvent Event(string template, params (string Name, LogEventPropertyValue Value)[] properties) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, new MessageTemplateParser().Parse(template),
            properties.Select(p => new LogEventProperty(p.Name, p.Value)));

    [Fact]
    public void String_values_are_written_without_quotes()
    {
        var logEvent = Event("restoring {Path} for {Host}", ("Path", new ScalarValue("/data")), ("Host", new ScalarValue("host-0")));

        Assert.Equal("restoring /data for host-0", MessageRendering.Render(logEvent));
        Assert.Equal("restoring \"/data\" for \"host-0\"", logEvent.RenderMessage());
    }

    [Fact]
    public void Numbers_lists_alignment_formats_and_missing_values_render_as_serilog_does()
    {
        var logEvent = Event(
            "{Count} files [{Width,4}] {Share:0.0} {Hosts} {Missing}",
            ("Count", new ScalarValue(3)), ("Width", new ScalarValue("ab")), ("Share", new ScalarValue(0.25)),
            ("Hosts", new SequenceValue([new ScalarValue("a"), new ScalarValue("b")])));

        Assert.Equal("3 files [\"ab\"] 0.3 [\"a\", \"b\"] {Missing}", MessageRendering.Render(logEvent));
    }

    [Fact]
    public void The_properties_the_message_names_are_known_so_formatters_do_not_repeat_them()
    {
        var logEvent = Event("{Path} restored in {Seconds}s", ("Path", new ScalarValue("/data")), ("ExitCode", new ScalarValue(0)));

        Assert.Equal(["Path", "Seconds"], MessageRendering.TemplatePropertyNames(logEvent).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_context_value_is_plain_text_or_null_when_absent()
    {
        var logEvent = Event("x", ("Session", new ScalarValue("sts-restore")), ("Hosts", new SequenceValue([new ScalarValue(1)])));

        Assert.Equal("sts-restore", MessageRendering.ContextValue(logEvent, "Session"));
        Assert.Equal("[1]", MessageRendering.ContextValue(logEvent, "Hosts"));
        Assert.Null(MessageRendering.ContextValue(logEvent, "Namespace"));
    }
}
