using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class RestoreFiltersTests
{
    private static readonly RestoreSession WithParams = KubeStashSamples.SessionWithSpec("""
        addon:
          name: workload-addon
          tasks:
          - name: logical-backup-restore
            params:
              include: "/source/data/*.json, /source/config"
              exclude: ""
        dataSource:
          snapshot: s
        """);

    [Fact]
    public void Task_params_are_split_on_commas_and_an_empty_one_is_unset()
    {
        var filters = RestoreFilters.Resolve(null, null, WithParams);

        Assert.Equal(["/source/data/*.json", "/source/config"], filters.Include);
        Assert.Empty(filters.Exclude);
    }

    [Fact]
    public void The_Function_flags_win_and_an_empty_flag_means_unset()
    {
        // As the KubeStash Function passes them: --include=/x --exclude=
        var filters = RestoreFilters.Resolve("/x", "", WithParams);

        Assert.Equal(["/x"], filters.Include);
        Assert.Empty(filters.Exclude);
    }

    [Fact]
    public void Include_and_exclude_together_are_refused_as_restic_refuses_them()
    {
        var error = Assert.Throws<InvalidInputException>(() => RestoreFilters.Resolve("", "/a,/b", WithParams));

        Assert.Equal(
            "RestoreSession demo/sample-restore: both include (params.include) and exclude (--exclude) are set; restic restore takes one or the other (\"exclude and include patterns are mutually exclusive\")",
            error.Message);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
    }

    [Fact]
    public void A_YAML_list_param_is_accepted()
    {
        var session = KubeStashSamples.SessionWithSpec("addon:\n  name: pvc-addon\n  tasks:\n  - name: logical-backup-restore\n    params:\n      exclude: [/a, \"/b,/c\"]\ndataSource:\n  snapshot: s");

        Assert.Equal(["/a", "/b", "/c"], RestoreFilters.Resolve(null, null, session).Exclude);
    }
}
