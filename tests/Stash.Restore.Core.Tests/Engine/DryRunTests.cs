using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>What <c>--dry-run</c> shows of a unit's job: argv masked, variables by name, why the target was not previewed, the hooks.</summary>
public sealed class DryRunTests
{
    private const string Password = "s3cr3t-pw";
    private readonly SecretMasker _masker = new();

    public DryRunTests() => _masker.Add(Password);

    [Fact]
    public void A_call_shows_argv_with_secrets_masked_under_nice_and_its_variables_by_name_the_go_runtimes_with_values()
    {
        var spec = new ProcessSpec("restic", ["restore", "latest", "-r", $"rest:https://backup:{Password}@rest.example:8000/repo", "--target", "/"],
            new Dictionary<string, string?> { ["RESTIC_PASSWORD"] = Password, ["TMPDIR"] = "/stash-tmp/tmp", ["GOMEMLIMIT"] = "480MiB", ["AWS_PROFILE"] = null })
        {
            Priority = new ProcessPriority(5, null, null),
        };
        var plan = new ResticPlan("rest:https://backup:***@rest.example:8000/repo", [new ResticInvocation($"latest of /data ({Password})", spec)])
        {
            GoRuntime = new GoRuntimeSettings(new Dictionary<string, string> { ["GOMEMLIMIT"] = "480MiB" }, []),
        };

        var call = Assert.Single(DryRun.Calls(plan, _masker));

        Assert.Equal("latest of /data (***)", call.Description);
        Assert.Equal(["nice", "-n", "5", "restic", "restore", "latest", "-r", "rest:https://backup:***@rest.example:8000/repo", "--target", "/"], call.Argv);
        Assert.Equal(["GOMEMLIMIT", "RESTIC_PASSWORD", "TMPDIR"], call.EnvironmentNames);
        Assert.Equal(["GOMEMLIMIT=480MiB", "RESTIC_PASSWORD", "TMPDIR"], call.EnvironmentShown());
    }

    [Fact]
    public async Task Without_preview_the_plan_says_it_was_not_asked_and_restic_is_never_run()
    {
        var restic = new FakeResticRestore();

        var planned = await DryRun.PlanAsync(restic, Job(), new ResticInstallation("/usr/bin/restic", new Version(0, 18, 0)), preview: false, _masker, Logger(), CancellationToken.None);

        Assert.Equal(("local:/repo", "not asked (--preview=false)"), (planned.Repository, planned.PreviewNote));
        Assert.Equal(["restic", "restore", "latest", "--host", "host-1"], Assert.Single(planned.Calls).Argv);
        Assert.Equal("not asked (--preview=false)", DryRun.DescribeChanges(planned.Calls[0], planned.PreviewNote));
        Assert.Equal(0, restic.Runs);
    }

    [Fact]
    public async Task A_restic_older_than_0_17_cannot_preview_and_the_plan_says_why()
    {
        var planned = await DryRun.PlanAsync(new FakeResticRestore(), Job(), new ResticInstallation("/usr/bin/restic", new Version(0, 16, 4)), preview: true, _masker, Logger(), CancellationToken.None);

        Assert.Equal("restic 0.16.4 cannot say what the restore would change in the target: that needs restore --dry-run, restic 0.17 or newer", planned.PreviewNote);
    }

    [Fact]
    public async Task With_preview_each_call_says_what_it_would_change_from_a_dry_run_plan()
    {
        var restic = new PreviewingRestic([new CallPreview("latest of /data", new TargetChanges(0, 1, 2, 1, 6), null)]);

        var planned = await DryRun.PlanAsync(restic, Job(), new ResticInstallation("/usr/bin/restic", new Version(0, 18, 0)), preview: true, _masker, Logger(), CancellationToken.None);

        Assert.Null(planned.PreviewNote);
        Assert.Equal([false, true], restic.PlannedOptions.Select(o => o.DryRun));
        Assert.Equal("0 new, 1 updated, 2 unchanged, 1 deleted file(s); 6 B to write", DryRun.DescribeChanges(Assert.Single(planned.Calls), planned.PreviewNote));
    }

    [Fact]
    public void A_call_restic_could_not_preview_shows_restics_problem()
    {
        var call = new PlannedResticCall("latest of /data", ["restic"], []) { ChangesProblem = "restic: repository does not exist" };

        Assert.Equal("restic: repository does not exist", DryRun.DescribeChanges(call, null));
        Assert.Equal("-", DryRun.DescribeChanges(call with { ChangesProblem = null }, null));
    }

    [Fact]
    public void Hooks_are_listed_with_their_handler_container_and_postRestore_policy()
    {
        var hooks = new UnitHooks(
            new HookSpec { Exec = new ExecAction { Command = ["pg_ctl", "stop"] }, ContainerName = "postgres" },
            new HookSpec { HttpPost = new HttpPostAction { Path = "/ready" } },
            new HookContext(HookStage.PreRestore, "demo", "sts-restore", "host-1", null));

        Assert.Equal(
            [new PlannedHook("preRestore", "exec", "postgres", null), new PlannedHook("postRestore", "httpPost", null, HookPolicy.Always)],
            DryRun.Hooks(hooks));
    }

    private static ILogger Logger() => new LoggerConfiguration().CreateLogger();

    private static UnitRestoreJob Job()
    {
        var unit = new RestoreUnit("host", "host-1");
        var location = new BackendLocation { Owner = "Repository demo/repo", Local = new LocalBackend("/repo", null) };
        var request = new ResticRestoreRequest(location, new Dictionary<string, string> { ["RESTIC_PASSWORD"] = Password }, [ResticSelection.LatestOf("/data", "host-1")], [], []);
        return new UnitRestoreJob(unit, request, new ResticRestoreOptions("/", "/tmp/scratch", true, null, null), "by rule 0", UnitHooks.None(unit), null, new UnitEventReasons("Ok", "NotOk"));
    }

    /// <summary>restic that answers a preview with the given changes per call.</summary>
    private sealed class PreviewingRestic(IReadOnlyList<CallPreview> previews) : IResticRestore
    {
        private readonly FakeResticRestore _inner = new();

        public List<ResticRestoreOptions> PlannedOptions => _inner.PlannedOptions;

        public Task<ResticInstallation> LocateAsync(BackendLocation location, CancellationToken cancellationToken) => _inner.LocateAsync(location, cancellationToken);

        public ResticPlan Plan(ResticRestoreRequest request, ResticRestoreOptions options, ResticInstallation restic) => _inner.Plan(request, options, restic);

        public Task<ResticRestoreSummary> RunAsync(ResticPlan plan, ILogger log, IProgress<UnitProgress>? progress, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a dry run never restores");

        public Task<ResticPlan> ScopeMirrorAsync(ResticPlan plan, CancellationToken cancellationToken) => Task.FromResult(plan);

        public Task<IReadOnlyList<CallPreview>> PreviewAsync(ResticPlan plan, ILogger log, CancellationToken cancellationToken) => Task.FromResult(previews);

        public Task<IReadOnlyList<ResticSnapshot>> ListSnapshotsAsync(ResticPlan plan, SecretMasker masker, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not a mirror plan");
    }
}
