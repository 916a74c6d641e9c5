using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>The run's settings from the bound flags and the operator's nice/ionice environment.</summary>
public sealed class RestoreSettingsChoiceTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Defaults_restore_under_root_with_a_cache_a_two_minute_repository_timeout_and_a_ten_minute_stall_timeout()
    {
        var settings = RestoreSettingsChoice.From(new RestoreOptions(), "/stash-tmp", NoEnvironment);

        Assert.Equal(new RestoreSettings("/", "/stash-tmp", EnableCache: true, MaxConnections: null, Verify: false, PriorityOverride: null, FailOnMetadataErrors: false)
        {
            RepositoryTimeout = TimeSpan.FromMinutes(2),
            StallTimeout = TimeSpan.FromMinutes(10),
        }, settings);
    }

    [Fact]
    public void Every_flag_reaches_its_setting()
    {
        var options = new RestoreOptions
        {
            TargetDir = "restored", EnableCache = false, MaxConnections = 8, Verify = true, FailOnMetadataErrors = true,
            RepositoryTimeout = TimeSpan.FromSeconds(30), StallTimeout = TimeSpan.FromSeconds(90), SkipSpaceCheck = true,
        };

        var settings = RestoreSettingsChoice.From(options, "/scratch", NoEnvironment);

        Assert.Equal(Path.GetFullPath("restored"), settings.TargetDirectory);
        Assert.Equal("/scratch", settings.ScratchDirectory);
        Assert.False(settings.EnableCache);
        Assert.Equal(8, settings.MaxConnections);
        Assert.True(settings.Verify);
        Assert.True(settings.FailOnMetadataErrors);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.RepositoryTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), settings.StallTimeout);
        Assert.True(settings.SkipSpaceCheck);
        Assert.Equal(TimeSpan.FromSeconds(90), settings.ResticOptions(null, true).StallTimeout);
        Assert.True(settings.ResticOptions(null, true).SkipSpaceCheck);
    }

    [Fact]
    public void Zero_means_unset_for_connections_the_repository_timeout_and_the_stall_timeout()
    {
        var settings = RestoreSettingsChoice.From(new RestoreOptions { MaxConnections = 0, RepositoryTimeout = TimeSpan.Zero, StallTimeout = TimeSpan.Zero }, "/s", NoEnvironment);

        Assert.Null(settings.MaxConnections);
        Assert.Null(settings.RepositoryTimeout);
        Assert.Null(settings.StallTimeout);
    }

    [Fact]
    public void The_operators_nice_and_ionice_environment_becomes_the_priority_override()
    {
        var environment = new Dictionary<string, string> { ["NICE_ADJUSTMENT"] = "5", ["IONICE_CLASS"] = "2", ["IONICE_CLASS_DATA"] = "7" };

        Assert.Equal(new ProcessPriority(5, 2, 7), RestoreSettingsChoice.From(new RestoreOptions(), "/s", environment).PriorityOverride);
    }
}
