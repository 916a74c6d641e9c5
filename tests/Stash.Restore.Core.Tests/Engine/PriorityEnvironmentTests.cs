using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>NICE_ADJUSTMENT, IONICE_CLASS and IONICE_CLASS_DATA as Stash and KubeStash operators set them on the container.</summary>
public sealed class PriorityEnvironmentTests
{
    [Theory]
    [InlineData("5", "2", "7", 5, 2, 7)]
    [InlineData("-10", null, null, -10, null, null)] // a negative nice: a higher priority
    [InlineData(null, " 3 ", "", null, 3, null)] // blank is unset; spaces around a number are fine
    [InlineData("+4", null, "0", 4, null, 0)]
    public void Each_variable_that_is_set_overrides_its_part_of_the_priority(string? nice, string? ioClass, string? ioData, int? expectedNice, int? expectedClass, int? expectedData)
    {
        var priority = PriorityEnvironment.Read(Environment(nice, ioClass, ioData));

        Assert.Equal(new ProcessPriority(expectedNice, expectedClass, expectedData), priority);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", " ", "")]
    public void None_set_leaves_the_sessions_runtime_settings_alone(string? nice, string? ioClass, string? ioData)
    {
        Assert.Null(PriorityEnvironment.Read(Environment(nice, ioClass, ioData)));
    }

    [Theory]
    [InlineData("NICE_ADJUSTMENT", "low")]
    [InlineData("IONICE_CLASS", "2.5")]
    [InlineData("IONICE_CLASS_DATA", "0x7")]
    public void A_value_that_is_not_a_whole_number_is_invalid_input_naming_the_variable(string name, string value)
    {
        var error = Assert.Throws<InvalidInputException>(() => PriorityEnvironment.Read(new Dictionary<string, string> { [name] = value }));

        Assert.Equal($"environment variable {name}=\"{value}\" is not a whole number", error.Message);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
    }

    private static Dictionary<string, string> Environment(string? nice, string? ioClass, string? ioData)
    {
        var environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin" };
        if (nice is not null)
            environment["NICE_ADJUSTMENT"] = nice;
        if (ioClass is not null)
            environment["IONICE_CLASS"] = ioClass;
        if (ioData is not null)
            environment["IONICE_CLASS_DATA"] = ioData;
        return environment;
    }
}
