using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>
/// What the restic calls of one unit add up to (the figures a status entry and the summary line show), and the
/// options a preview of the same restore runs with.
/// </summary>
public sealed class ResticContractsTests
{
    [Fact]
    public void Call_figures_add_up()
    {
        var first = new ResticRestoreSummary(5, 2, 1000, 1) { DirectoriesRestored = 3 };
        var second = new ResticRestoreSummary(7, 0, 24, 2) { DirectoriesRestored = 1 };

        Assert.Equal(new ResticRestoreSummary(12, 2, 1024, 3) { DirectoriesRestored = 4 }, first.Plus(second));
    }

    [Fact]
    public void Directories_stay_known_only_when_every_call_told_them_apart()
    {
        var known = new ResticRestoreSummary(5, 0, 10, 0) { DirectoriesRestored = 3 };
        var unknown = new ResticRestoreSummary(4, 0, 10, 0);

        Assert.Null(known.Plus(unknown).DirectoriesRestored);
        Assert.Null(unknown.Plus(known).DirectoriesRestored);
    }

    [Fact]
    public void Deletions_add_up_once_any_call_mirrored()
    {
        var mirrored = new ResticRestoreSummary(1, 0, 1, 0) { FilesDeleted = 4 };
        var plain = new ResticRestoreSummary(1, 0, 1, 0);

        Assert.Equal(4, mirrored.Plus(plain).FilesDeleted);
        Assert.Equal(4, plain.Plus(mirrored).FilesDeleted);
        Assert.Equal(6, mirrored.Plus(mirrored with { FilesDeleted = 2 }).FilesDeleted);
        Assert.Null(plain.Plus(plain).FilesDeleted);
    }

    [Fact]
    public void A_preview_is_a_dry_run_without_cache_or_verify_and_otherwise_the_same_restore()
    {
        var options = new ResticRestoreOptions("/restore", "/scratch", EnableCache: true, MaxConnections: 4, Priority: null, Resume: true, Verify: true)
        {
            Mirror = true,
            SkipSpaceCheck = true,
            MemoryLimitSetting = "spec.runtimeSettings.container.resources.limits.memory",
        };

        var preview = options.ForPreview();

        Assert.Equal(options with { DryRun = true, EnableCache = false, Verify = false }, preview);
        Assert.True(preview.DryRun);
        Assert.False(preview.EnableCache);
        Assert.False(preview.Verify);
    }
}
