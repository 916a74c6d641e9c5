using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>Which restic release has which restore flag: the planner asks these before it adds one.</summary>
public sealed class ResticFeaturesTests
{
    private static ResticInstallation Restic(string version) => new("/usr/bin/restic", Version.Parse(version));

    [Fact]
    public void Feature_gates_follow_restic_releases()
    {
        Assert.False(Restic("0.15.2").RestoreJson());
        Assert.True(Restic("0.16.0").RestoreJson());
        Assert.False(Restic("0.16.5").RestoreOverwrite());
        Assert.True(Restic("0.17.0").RestoreOverwrite());
        Assert.True(Restic("0.14.0").RestoreVerify());
        Assert.False(Restic("0.16.5").RestoreJsonItems());
        Assert.True(Restic("0.17.0").RestoreJsonItems());
    }

    [Fact]
    public void Preview_and_mirror_need_restic_0_17()
    {
        Assert.False(Restic("0.16.5").RestoreDryRun());
        Assert.True(Restic("0.17.0").RestoreDryRun());
        Assert.False(Restic("0.16.5").RestoreDelete());
        Assert.True(Restic("0.18.0").RestoreDelete());
    }
}
