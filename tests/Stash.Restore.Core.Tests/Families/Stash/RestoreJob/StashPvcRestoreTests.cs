using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary><c>restore-pvc</c>: the Function's arguments made into the Stash model the restore runs on.</summary>
public sealed class StashPvcRestoreTests
{
    private static readonly Dictionary<string, string> Secret = new() { ["RESTIC_PASSWORD"] = "pw" };

    private static RestoreTarget PvcTarget(string? alias = null) =>
        new() { Ref = new TargetReference { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Name = "data" }, Alias = alias };

    private static RestoreSession Session(params RestoreRule[] rules) => new()
    {
        Metadata = new ObjectMeta { Name = "pvc-restore", Namespace = "demo" },
        Spec = new RestoreSessionSpec
        {
            Repository = new RepositoryReference { Name = "minio-repo" },
            Target = PvcTarget() with { Rules = [.. rules], Args = ["--from-session"] },
            Hooks = new RestoreHooks { PreRestore = new Core.Hooks.HookSpec { Exec = new Core.Hooks.ExecAction { Command = ["true"] } } },
        },
    };

    [Fact]
    public void The_paths_argument_becomes_the_one_rule_with_the_sessions_source_host_and_no_hooks()
    {
        var session = Session(new RestoreRule { TargetHosts = ["host-0"], SourceHost = "old-host", Paths = ["/stash-data"] });
        var arguments = new PvcRestoreArguments { RestorePaths = ["/stash-data/a", "/stash-data/b"], Include = ["*.db"], Args = ["--no-lock"] };

        var restored = StashPvcRestore.ForArguments(session, arguments, "host-0");
        var rule = Assert.Single(restored.Spec.Target!.Rules!);
        Assert.Equal(["/stash-data/a", "/stash-data/b"], rule.Paths);
        Assert.Null(rule.Snapshots);
        Assert.Equal(["*.db"], rule.Include);
        Assert.Equal("old-host", rule.SourceHost);
        Assert.Equal(["--no-lock"], restored.Spec.Target.Args);
        Assert.Null(restored.Spec.Hooks);
        Assert.Equal("restore-pvc arguments[0]", RuleResolver.Resolve(restored, "host-0")!.Name);
    }

    [Fact]
    public void Without_a_matching_rule_the_paths_come_from_the_host_itself()
    {
        var rule = Assert.Single(StashPvcRestore.ForArguments(Session(), new PvcRestoreArguments { RestorePaths = ["/d"] }, "pvc").Spec.Target!.Rules!);
        Assert.Equal("pvc", rule.SourceHost);
    }

    [Fact]
    public void Without_paths_or_snapshots_the_sessions_own_rule_for_the_host_decides()
    {
        var own = new RestoreRule { TargetHosts = ["host-1"], SourceHost = "host-0", Paths = ["/x"] };
        var restored = StashPvcRestore.ForArguments(Session(own), new PvcRestoreArguments(), "host-1");
        Assert.Same(own, Assert.Single(restored.Spec.Target!.Rules!));
        Assert.Equal("spec.target.rules[0]", RuleResolver.Resolve(restored, "host-1")!.Name);
        Assert.Null(RuleResolver.Resolve(restored, "host-2"));
    }

    [Fact]
    public void A_Stash_Snapshot_name_in_snapshots_is_reduced_with_the_sessions_repository_name()
    {
        var arguments = new PvcRestoreArguments { Snapshots = ["minio-repo-1a2b3c4d", "0f1e2d3c"], Backend = new FunctionBackend("local", "/repo", null, null, null, false) };
        var session = StashPvcRestore.ForArguments(Session(), arguments, "host-0");
        var request = StashRestoreRequest.For(RuleResolver.Resolve(session, "host-0")!, StashPvcRestore.RepositoryOf(Session(), arguments), Secret);
        Assert.Equal(["1a2b3c4d", "0f1e2d3c"], request.Selections.Select(s => s.SnapshotId));
    }

    [Fact]
    public void The_secret_namespace_defaults_to_the_repositorys()
    {
        var session = Session() with { Spec = Session().Spec with { Repository = new RepositoryReference { Name = "r", Namespace = "backups" } } };
        Assert.Equal("backups", StashPvcRestore.SecretNamespace(session, new PvcRestoreArguments()));
        Assert.Equal("demo", StashPvcRestore.SecretNamespace(Session(), new PvcRestoreArguments()));
        Assert.Equal("creds", StashPvcRestore.SecretNamespace(session, new PvcRestoreArguments { StorageSecretNamespace = "creds" }));
    }
}
