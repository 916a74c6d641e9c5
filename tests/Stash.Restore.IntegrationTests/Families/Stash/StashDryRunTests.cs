using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Cli;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// A Stash host's <c>--dry-run</c> plan with the real restic against a real repository: the rule the host
/// gets, the calls as they would run (secrets masked), what they would change in the target, and that
/// nothing is written.
/// </summary>
public sealed class StashDryRunTests(BackedUpHostsFixture hosts) : IClassFixture<BackedUpHostsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stash-dry-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Target => Path.Combine(_dir, "target");

    private string Scratch => Path.Combine(_dir, "scratch");

    private StashInputs Inputs(string host)
    {
        var session = new RestoreSession
        {
            ApiVersion = RestoreSession.ApiVersionV1Beta1,
            Kind = RestoreSession.KindName,
            Metadata = new ObjectMeta { Name = "sts-restore", Namespace = "demo" },
            Spec = new RestoreSessionSpec
            {
                Repository = new RepositoryReference { Name = "test-repo" },
                Target = new RestoreTarget
                {
                    Ref = new TargetReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "db" },
                    Rules = [new RestoreRule { TargetHosts = ["host-3"], SourceHost = "host-1", Paths = [hosts.DataPath] }],
                },
            },
        };
        var repository = new Repository
        {
            Metadata = new ObjectMeta { Name = "test-repo", Namespace = "demo" },
            Spec = new RepositorySpec { Backend = new BackendSpec { Local = new LocalSpec { MountPath = hosts.Repo.RepositoryPath } } },
        };
        return new StashInputs(session, repository, new Dictionary<string, string> { ["RESTIC_PASSWORD"] = hosts.Repo.Password }, new PodIdentity("db-3", "demo", null, null, null), host);
    }

    private StashDryRun DryRun(IReadOnlyDictionary<string, string> environment, SecretMasker masker) =>
        new(new ResticRestore(new ProcessRunner(), TimeProvider.System, environment, masker), new RestoreSettings(Target, Scratch), masker, TimeProvider.System, Serilog.Core.Logger.None);

    [Fact]
    public async Task A_host_gets_its_rule_and_the_restic_call_that_would_restore_the_source_hosts_latest_snapshot_and_nothing_is_written()
    {
        var masker = new SecretMasker();
        masker.Add(hosts.Repo.Password);
        var environment = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" };

        var plan = await DryRun(environment, masker).PlanAsync(Inputs("host-3"), CancellationToken.None);

        Assert.Equal(("RestoreSession demo/sts-restore", "host-3", 0, "spec.target.rules[0]", "host-1", null),
            (plan.Session, plan.Hostname, plan.RuleIndex, plan.Rule, plan.SourceHost, plan.Note));
        Assert.StartsWith("0.18.", plan.ResticVersion, StringComparison.Ordinal);
        var call = Assert.Single(plan.ResticCalls);
        Assert.Contains("restore", call.Argv);
        Assert.Equal("host-1", call.Argv[call.Argv.ToList().IndexOf("--host") + 1]);
        Assert.Contains(hosts.DataPath, call.Argv);
        Assert.Contains("RESTIC_PASSWORD", call.EnvironmentNames);
        Assert.DoesNotContain(call.Argv, arg => arg.Contains(hosts.Repo.Password, StringComparison.Ordinal));
        // Asked of restic 0.18 (restore --dry-run) against the empty target: every file of host-1's data is new.
        var files = Directory.EnumerateFiles(Path.Combine(hosts.Sources, "host-1"), "*", SearchOption.AllDirectories).Count();
        Assert.True(call.Changes is { Restored: > 0, Updated: 0, Deleted: 0, Bytes: > 0 } && call.Changes.Restored >= files, $"{call.Changes} {call.ChangesProblem}; {files} files");
        Assert.Null(plan.PreviewNote);
        Assert.False(plan.Mirror);
        Assert.Empty(plan.Hooks);
        Assert.False(Directory.Exists(Target), "a dry run restores nothing");
        Assert.False(Directory.Exists(Scratch), "a dry run writes nothing, not even a cache");
    }

    [Fact]
    public async Task A_host_no_rule_matches_is_a_note_and_restic_is_never_looked_for()
    {
        // No PATH: looking for restic would fail the plan.
        var plan = await DryRun(new Dictionary<string, string>(), new SecretMasker()).PlanAsync(Inputs("host-7"), CancellationToken.None);

        Assert.Equal("no restore rule matches host \"host-7\": nothing would be restored", plan.Note);
        Assert.Equal(("host-7", null, null, null), (plan.Hostname, plan.Rule, plan.SourceHost, plan.ResticVersion));
        Assert.Empty(plan.ResticCalls);
        Assert.Equal((Target, Scratch), (plan.TargetDirectory, plan.ScratchDirectory));
    }
}
