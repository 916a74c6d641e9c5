using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>A host's rule and the session's Repository as restic's request: what is selected, from where, and which rules cannot work.</summary>
public sealed class StashRestoreRequestTests
{
    private static readonly Repository LocalRepo = new()
    {
        Metadata = new ObjectMeta { Name = "local-repo", Namespace = "demo" },
        Spec = new RepositorySpec { Backend = new BackendSpec { Local = new LocalSpec { MountPath = "/safe/data", SubPath = "demo" }, StorageSecretName = "repo-secret" } },
    };

    private static readonly Dictionary<string, string> Secret = new() { ["RESTIC_PASSWORD"] = "request-pw" };

    [Fact]
    public void A_paths_rule_restores_the_latest_snapshot_of_each_path_taken_by_the_source_host()
    {
        var rule = new ResolvedRule(0, new RestoreRule { Paths = ["/data", "/config"], Include = ["/data/keep*"], Exclude = ["*.tmp"] }, "host-1");

        var request = StashRestoreRequest.For(rule, LocalRepo, Secret);

        Assert.Equal(
            [("/data", "host-1", null, "path /data of host host-1 (latest snapshot)"), ("/config", "host-1", null, "path /config of host host-1 (latest snapshot)")],
            request.Selections.Select(s => (s.Path, s.Host, s.SnapshotId, s.Description)));
        Assert.Equal(["/data/keep*"], request.Include);
        Assert.Equal(["*.tmp"], request.Exclude);
        Assert.Equal(("Repository demo/local-repo", "repo-secret", "/safe/data"), (request.Location.Owner, request.Location.SecretName, request.Location.Local?.MountPath));
        Assert.Same(Secret, request.Credentials);
    }

    [Fact]
    public void A_stash_snapshot_name_is_restored_by_its_restic_id_and_named_with_both()
    {
        var rule = new ResolvedRule(1, new RestoreRule { Snapshots = ["local-repo-1a2b3c4d", "ab12cd34"] }, "host-0");

        var request = StashRestoreRequest.For(rule, LocalRepo, Secret);

        Assert.Equal(
            [("1a2b3c4d", "snapshot local-repo-1a2b3c4d (restic id 1a2b3c4d)"), ("ab12cd34", "snapshot ab12cd34")],
            request.Selections.Select(s => (s.SnapshotId, s.Description)));
        Assert.All(request.Selections, s => Assert.Null(s.Host));
    }

    [Theory]
    [InlineData("both", "spec.target.rules[2]: sets both paths and snapshots")]
    [InlineData("neither", "spec.target.rules[2]: sets neither paths nor snapshots; it would restore nothing")]
    [InlineData("no source host", "spec.target.rules[2]: no source host to restore paths from (restic --host would match any host)")]
    [InlineData("relative path", "spec.target.rules[2]: path 'data' is not absolute")]
    [InlineData("empty snapshot", "spec.target.rules[2]: empty snapshot id")]
    [InlineData("option as snapshot", "spec.target.rules[2]: snapshot '--no-lock' is not a snapshot id or Stash Snapshot name")]
    public void A_rule_that_cannot_work_is_invalid_input_naming_the_rule(string shape, string expected)
    {
        var (rule, sourceHost) = shape switch
        {
            "both" => (new RestoreRule { Paths = ["/data"], Snapshots = ["ab12cd34"] }, "host-0"),
            "neither" => (new RestoreRule(), "host-0"),
            "no source host" => (new RestoreRule { Paths = ["/data"] }, " "),
            "relative path" => (new RestoreRule { Paths = ["/data", "data"] }, "host-0"),
            "empty snapshot" => (new RestoreRule { Snapshots = [" "] }, "host-0"),
            "option as snapshot" => (new RestoreRule { Snapshots = ["--no-lock"] }, "host-0"),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };

        var e = Assert.Throws<InvalidInputException>(() => StashRestoreRequest.For(new ResolvedRule(2, rule, sourceHost, "spec.target.rules[2]"), LocalRepo, Secret));

        Assert.Equal(expected, e.Message);
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
    }

    [Fact]
    public void Without_its_place_a_rule_is_named_by_its_index() =>
        Assert.Equal("rule 4: sets both paths and snapshots",
            Assert.Throws<InvalidInputException>(() => StashRestoreRequest.For(
                new ResolvedRule(4, new RestoreRule { Paths = ["/a"], Snapshots = ["ab12cd34"] }, "host-0"), LocalRepo, Secret)).Message);

    [Theory]
    [InlineData("local-repo-1a2b3c4d", "local-repo", "1a2b3c4d")]
    [InlineData("1a2b3c4d", "local-repo", "1a2b3c4d")]
    [InlineData("local-repo-latest", "local-repo", "local-repo-latest")]
    [InlineData("local-repo-1a2b", "local-repo", "local-repo-1a2b")]
    [InlineData("other-repo-1a2b3c4d", "local-repo", "other-repo-1a2b3c4d")]
    [InlineData("gcs-1a2b3c4d5e6f", "gcs", "1a2b3c4d5e6f")]
    public void Stash_snapshot_name_is_reduced_to_the_restic_id(string snapshot, string repository, string expected) =>
        Assert.Equal(expected, StashRestoreRequest.SnapshotId(snapshot, repository));

    [Fact]
    public void Snapshot_that_looks_like_an_option_is_rejected() =>
        Assert.Throws<InvalidInputException>(() => StashRestoreRequest.SnapshotId("--no-lock", "r"));
}
