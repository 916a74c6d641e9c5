using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>Mirror mode's arguments: restic's --delete always bounded by an include that matches only under the restored paths.</summary>
public sealed class ResticMirrorTests
{
    private static readonly ResticInstallation Restic018 = new("/usr/bin/restic", new Version(0, 18, 0));

    private static readonly Repository LocalRepo = new()
    {
        Metadata = new ObjectMeta { Name = "local-repo", Namespace = "demo" },
        Spec = new RepositorySpec { Backend = new BackendSpec { Local = new LocalSpec { MountPath = "/repo" } } },
    };

    private static ResticPlan Plan(RestoreRule rule, ResticRestoreOptions options, ResticInstallation? restic = null) =>
        ResticPlanner.Plan(StashRestoreRequest.For(new ResolvedRule(0, rule, "host-0"), LocalRepo, new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "pw" }), options, restic ?? Restic018);

    private static ResticRestoreOptions Options(string target = "/") => new(target, "/scratch", EnableCache: false, null, null) { Mirror = true };

    [Fact]
    public void A_path_call_deletes_only_under_its_path()
    {
        var call = Assert.Single(Plan(new RestoreRule { Paths = ["/data"] }, Options()).Invocations);

        Assert.Equal(["--delete", "--include", "/data"], call.Process.Arguments.TakeLast(3));
        Assert.True(call.Mirror);
        Assert.Equal(["/data"], call.RestoredPaths);
    }

    [Fact]
    public void Without_mirror_mode_nothing_is_deleted()
    {
        var call = Assert.Single(Plan(new RestoreRule { Paths = ["/data"] }, Options() with { Mirror = false }).Invocations);

        Assert.DoesNotContain("--delete", call.Process.Arguments);
        Assert.False(call.Mirror);
    }

    [Theory]
    [InlineData("/data/db[1]/*?", @"/data/db\[1\]/\*\?")]
    [InlineData("/data//sub/", "/data/sub")]
    [InlineData(@"/back\slash", @"/back\\slash")]
    public void A_restored_path_is_matched_literally(string path, string pattern) =>
        Assert.Equal(["--delete", "--include", pattern], ResticMirror.Arguments("call", [path], [], "/"));

    [Theory]
    [InlineData("/data/*.json")]
    [InlineData("/data")]
    [InlineData("/data/sub/**/x")]
    [InlineData("/data/./x")]
    public void Includes_anchored_under_the_path_are_kept_as_they_are(string include) =>
        Assert.Equal(["--delete"], ResticMirror.Arguments("call", ["/data"], [include], "/"));

    [Theory]
    [InlineData("*.json")]              // matches anywhere: /stray.json at the root would be deleted
    [InlineData("/database/x")]         // a sibling that starts the same
    [InlineData("/dat*/x")]             // a wildcard in the restored path's own components
    [InlineData("/data/../etc")]
    [InlineData("!/data/x")]
    [InlineData("data/x")]
    public void An_include_that_can_match_outside_the_path_is_refused(string include)
    {
        var refused = Assert.Throws<InvalidInputException>(() => ResticMirror.Arguments("path /data", ["/data"], ["/data/ok", include], "/"));

        Assert.Contains($"include pattern '{include}' is not anchored under the restored path(s) /data", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_of_the_root_is_never_mirrored_onto_the_root()
    {
        Assert.Throws<InvalidInputException>(() => ResticMirror.Arguments("snapshot 1a2b", ["/"], [], "/"));
        Assert.Equal(["--delete", "--include", "/"], ResticMirror.Arguments("snapshot 1a2b", ["/"], [], "/tmp/inspect"));
    }

    [Fact]
    public void Excludes_and_old_restic_are_refused_when_planning()
    {
        var excluded = Assert.Throws<InvalidInputException>(() => Plan(new RestoreRule { Paths = ["/data"], Exclude = ["*.log"] }, Options()));
        var old = Assert.Throws<InvalidInputException>(() => Plan(new RestoreRule { Paths = ["/data"] }, Options(), new ResticInstallation("/usr/bin/restic", new Version(0, 16, 4))));

        Assert.Contains("cannot be combined with exclude patterns (*.log)", excluded.Message, StringComparison.Ordinal);
        Assert.Contains("needs restic 0.17 or newer for restore --delete; restic 0.16.4", old.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_call_waits_for_its_paths_and_is_scoped_from_the_listing()
    {
        var plan = Plan(new RestoreRule { Snapshots = ["1a2b3c4d"] }, Options());
        var waiting = Assert.Single(plan.Invocations);
        Assert.True(ResticMirror.NeedsScope(plan));
        Assert.Null(waiting.RestoredPaths);
        Assert.DoesNotContain("--delete", waiting.Process.Arguments);

        var snapshots = new[] { new ResticSnapshot("1a2b3c4d5e6f", "1a2b3c4d", "host-0", ["/data", "/config"], DateTimeOffset.UnixEpoch) };
        var scoped = Assert.Single(ResticMirror.Scope(plan, snapshots, null).Invocations);

        Assert.Equal(["--delete", "--include", "/data", "--include", "/config"], scoped.Process.Arguments.TakeLast(5));
        Assert.Equal(["/data", "/config"], scoped.RestoredPaths);
        Assert.False(ResticMirror.NeedsScope(plan with { Invocations = [scoped] }));
    }

    [Fact]
    public void A_snapshot_call_whose_paths_cannot_be_read_keeps_the_problem_and_no_delete()
    {
        var plan = Plan(new RestoreRule { Snapshots = ["1a2b3c4d"] }, Options());

        var missing = Assert.Single(ResticMirror.Scope(plan, [], null).Invocations);
        var unlisted = Assert.Single(ResticMirror.Scope(plan, null, "wrong password").Invocations);

        Assert.Equal("no snapshot with id \"1a2b3c4d\" in repository local:/repo", missing.MirrorProblem);
        Assert.EndsWith("could not be listed: wrong password", unlisted.MirrorProblem, StringComparison.Ordinal);
        Assert.DoesNotContain("--delete", missing.Process.Arguments);
    }

    [Fact]
    public void A_preview_plan_asks_restic_without_writing()
    {
        var options = new ResticRestoreOptions("/target", "/scratch", EnableCache: true, null, null, Resume: false, Verify: true);

        var plan = Plan(new RestoreRule { Paths = ["/data"] }, options.ForPreview());
        var argv = Assert.Single(plan.Invocations).Process.Arguments;

        Assert.Equal(["restore", "latest", "--path", "/data", "--host", "host-0", "--target", "/target", "--dry-run", "--overwrite", "if-changed", "--json", "-vv", "--no-cache", "--no-lock"], argv);
        Assert.Empty(plan.ScratchDirectories);
        Assert.Contains("--no-lock", plan.ListSnapshots!.Arguments);
    }
}
