using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>
/// A Stash host's restore as the engine runs it: the restic argv it leads to, restic's priority and
/// cache from the session and the command line, the hooks' template data and the deadline.
/// </summary>
public sealed class StashHostJobTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly RestoreUnit Host = new(StashHostRestore.UnitKind, "host-3");
    private static readonly RestoreSettings Settings = new("/", "/scratch");

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static RestoreSession Session(Func<RestoreSessionSpec, RestoreSessionSpec>? change = null, RestoreSessionStatus? status = null)
    {
        var spec = new RestoreSessionSpec
        {
            Target = new RestoreTarget
            {
                Ref = new TargetReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "db" },
                Rules = [new RestoreRule { TargetHosts = ["host-3"], SourceHost = "host-1", Paths = ["/data"], Include = ["/data/keep*"] }],
            },
        };
        return new RestoreSession
        {
            ApiVersion = RestoreSession.ApiVersionV1Beta1,
            Kind = RestoreSession.KindName,
            Metadata = new ObjectMeta { Name = "sts-restore", Namespace = "demo" },
            Spec = change?.Invoke(spec) ?? spec,
            Status = status,
        };
    }

    private static UnitRestoreJob Job(RestoreSession session, RestoreSettings? settings = null)
    {
        var inputs = new StashInputs(session,
            new Repository { Metadata = new ObjectMeta { Name = "repo", Namespace = "demo" }, Spec = new RepositorySpec { Backend = new BackendSpec { Local = new LocalSpec { MountPath = "/repo" } } } },
            new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "pw-of-the-repository" }, new PodIdentity("db-3", "demo", null, null, null), null);
        return StashHostJob.For(inputs, Host, RuleResolver.Resolve(session, Host.Name)!, settings ?? Settings, new FixedClock(Now));
    }

    private static IReadOnlyList<string> Argv(UnitRestoreJob job) =>
        Assert.Single(ResticPlanner.Plan(job.Restic, job.Options, new ResticInstallation("/usr/bin/restic", new Version(0, 18, 0))).Invocations).Process.Arguments;

    [Fact]
    public void The_rules_source_host_and_patterns_then_the_targets_args_reach_restic_and_the_origin_names_the_rule()
    {
        var job = Job(Session(spec => spec with { Target = spec.Target! with { Args = ["--no-lock"] } }));

        Assert.Equal(
            ["restore", "latest", "--path", "/data", "--host", "host-1", "--target", "/", "--include", "/data/keep*", "--no-lock", "--json", "-vv",
             "--cache-dir", "/scratch/restic-cache"],
            Argv(job));
        Assert.Equal("by spec.target.rules[0] from source host \"host-1\"", job.Origin);
        Assert.Equal(StashHostRestore.Reasons, job.Reasons);
        Assert.Equal(StashHostJob.MemoryLimitSetting, job.Options.MemoryLimitSetting);
    }

    [Fact]
    public void The_sessions_nice_and_ionice_reach_restic_unless_the_command_line_sets_a_priority()
    {
        var session = Session(spec => spec with
        {
            RuntimeSettings = new RuntimeSettings { Container = new ContainerRuntimeSettings { Nice = new NiceSettings { Adjustment = 5 }, Ionice = new IoNiceSettings { Class = 2, ClassData = 4 } } },
        });

        Assert.Equal(new ProcessPriority(5, 2, 4), Job(session).Options.Priority);
        Assert.Equal(new ProcessPriority(10, 3, null), Job(session, Settings with { PriorityOverride = new ProcessPriority(10, 3, null) }).Options.Priority);
        Assert.Null(Job(Session()).Options.Priority);
    }

    [Fact]
    public void A_session_that_disables_caching_runs_restic_without_a_cache_whatever_the_command_line_says()
    {
        var job = Job(Session(spec => spec with { TempDir = new TempDirSettings { DisableCaching = true } }));

        Assert.False(job.Options.EnableCache);
        Assert.Contains("--no-cache", Argv(job));
        Assert.DoesNotContain("--cache-dir", Argv(job));
        Assert.True(Job(Session()).Options.EnableCache);
    }

    [Theory]
    [InlineData("30m", null, "2026-11-03T10:30:00Z")]
    [InlineData("30m", "2026-11-03T10:10:00Z", "2026-11-03T10:10:00Z")]
    [InlineData("30m", "2026-11-03T11:00:00Z", "2026-11-03T10:30:00Z")]
    [InlineData(null, "2026-11-03T11:00:00Z", "2026-11-03T11:00:00Z")]
    [InlineData(null, null, null)]
    public void The_deadline_is_the_earlier_of_the_sessions_timeOut_from_now_and_its_status_deadline(string? timeOut, string? sessionDeadline, string? expected)
    {
        var job = Job(Session(spec => spec with { TimeOut = timeOut }, new RestoreSessionStatus { SessionDeadline = sessionDeadline }));

        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), job.Deadline);
    }

    [Fact]
    public void The_hooks_templates_see_the_session_the_host_and_the_target_in_the_sessions_namespace_when_the_ref_names_none()
    {
        var postRestore = new HookSpec { Exec = new ExecAction { Command = ["/bin/true"] } };
        var job = Job(Session(spec => spec with { Hooks = new RestoreHooks { PostRestore = postRestore } }));

        Assert.Null(job.Hooks.PreRestore);
        Assert.Same(postRestore, job.Hooks.PostRestore);
        Assert.Equal(("demo", "sts-restore", "host-3"), (job.Hooks.Context.Namespace, job.Hooks.Context.SessionName, job.Hooks.Context.Hostname));
        Assert.Equal(new HookTarget("StatefulSet", "db", "demo", "apps/v1"), job.Hooks.Context.Target);
    }
}
