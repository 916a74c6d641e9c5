using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>klog's and pflag's flag values, taken and refused as Stash's own image takes and refuses them.</summary>
public sealed class KlogFlagValuesTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("T", true)]
    [InlineData("0", true)]
    [InlineData("False", true)]
    [InlineData("yes", false)]
    [InlineData("tRUE", false)]
    [InlineData(null, false)]
    public void Booleans_are_what_Gos_ParseBool_takes(string? value, bool taken)
    {
        Assert.Equal(taken, KlogFlagValues.Boolean(value) is null);
    }

    [Theory]
    [InlineData("warning", true)]
    [InlineData("ERROR", true)]
    [InlineData("-3", true)]
    [InlineData("2147483648", false)]
    [InlineData("DEBUG", false)]
    public void Stderrthreshold_is_a_severity_in_any_case_or_a_32_bit_number(string value, bool taken)
    {
        Assert.Equal(taken ? null : "not a severity: INFO, WARNING, ERROR, FATAL (any case) or a number", KlogFlagValues.Severity(value));
    }

    [Theory]
    [InlineData("1800", true)]
    [InlineData("0x10", true)]
    [InlineData("0o17", true)]
    [InlineData("0b101", true)]
    [InlineData("017", true)]
    [InlineData("018", false)] // a leading 0 is octal
    [InlineData("-1", false)]
    [InlineData("10MB", false)]
    public void Log_file_max_size_is_an_unsigned_number_in_Gos_base_0(string value, bool taken)
    {
        Assert.Equal(taken, KlogFlagValues.Megabytes(value) is null);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("restore*=2,,hooks=4", null)]
    [InlineData("restore", "syntax error: expect comma-separated list of filename=N")]
    [InlineData("=3", "syntax error: expect comma-separated list of filename=N")]
    [InlineData("restore=-1", "negative value for vmodule level")]
    public void Vmodule_is_a_list_of_pattern_and_level(string value, string? problem)
    {
        Assert.Equal(problem, KlogFlagValues.ModuleSpec(value));
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("main.go:234", null)]
    [InlineData("main.go:0", "negative or zero value for level")]
    [InlineData("main:234", "syntax error: expect file.go:234")]
    [InlineData("main.go", "syntax error: expect file.go:234")]
    public void Log_backtrace_at_is_empty_or_a_file_and_line(string value, string? problem)
    {
        Assert.Equal(problem, KlogFlagValues.TraceLocation(value));
    }

    [Theory]
    [InlineData("5s", true)]
    [InlineData("1m30s", true)]
    [InlineData("0", true)]
    [InlineData("5", false)]
    public void Durations_are_Go_durations(string value, bool taken)
    {
        Assert.Equal(taken ? null : "not a duration such as 5s, 1m30s or 0", KlogFlagValues.Duration(value));
    }
}
