using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class SnapshotChoiceTests
{
    private static Snapshot Snap(string name, string repository, string phase, string? time, string @namespace = "demo") => new()
    {
        ApiVersion = Snapshot.ApiVersionV1Alpha1,
        Kind = Snapshot.KindName,
        Metadata = new ObjectMeta { Name = name, Namespace = @namespace },
        Spec = new SnapshotSpec { Repository = repository },
        Status = new SnapshotStatus { Phase = phase, SnapshotTime = time is null ? null : DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture) },
    };

    [Fact]
    public void The_flag_wins_and_the_data_source_namespace_applies()
    {
        var session = KubeStashSamples.SessionWithSpec("dataSource:\n  namespace: backups\n  repository: repo\n  snapshot: latest");

        Assert.Equal(new SnapshotChoice("backups", "repo-session-1", "--snapshot"), SnapshotChoice.Requested("repo-session-1", session));
        Assert.Equal(new SnapshotChoice("backups", "latest", "spec.dataSource.snapshot"), SnapshotChoice.Requested("", session));
        Assert.True(SnapshotChoice.Requested(null, session).IsLatest);
    }

    [Fact]
    public void Latest_is_the_newest_Succeeded_Snapshot_of_that_Repository_by_snapshotTime()
    {
        var snapshots = new[]
        {
            Snap("repo-1", "repo", "Succeeded", "2026-11-01T10:00:00Z"),
            Snap("repo-3", "repo", "Succeeded", "2026-11-03T10:00:00Z"),
            Snap("repo-2", "repo", "Succeeded", "2026-11-02T10:00:00Z"),
            Snap("repo-4-failed", "repo", "Failed", "2026-11-04T10:00:00Z"),
            Snap("repo-5-running", "repo", "Running", null),
            Snap("other-9", "other", "Succeeded", "2026-11-09T10:00:00Z"),
            Snap("repo-9-elsewhere", "repo", "Succeeded", "2026-11-09T10:00:00Z", "prod"),
        };

        Assert.Equal("repo-3", SnapshotChoice.Latest(snapshots, "demo", "repo").Metadata.Name);
    }

    [Fact]
    public void No_Succeeded_Snapshot_names_what_there_is()
    {
        var snapshots = new[] { Snap("repo-2", "repo", "Failed", "2026-11-02T10:00:00Z"), Snap("repo-1", "repo", "Running", null) };

        var error = Assert.Throws<DependencyUnavailableException>(() => SnapshotChoice.Latest(snapshots, "demo", "repo"));
        var none = Assert.Throws<DependencyUnavailableException>(() => SnapshotChoice.Latest([], "demo", "repo"));

        Assert.Equal(
            "latest Snapshot of Repository demo/repo: no Succeeded Snapshot with a snapshotTime (found: repo-1 (Running, no snapshotTime), repo-2 (Failed))",
            error.Message);
        Assert.EndsWith("(it has none)", none.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.DependencyUnavailable, error.ExitCode);
    }

    [Fact]
    public void A_Snapshot_that_is_not_Succeeded_is_refused()
    {
        var error = Assert.Throws<InvalidInputException>(() => SnapshotChoice.EnsureRestorable(Snap("repo-4", "repo", "Failed", null), "repo"));

        Assert.Equal("Snapshot demo/repo-4 is Failed, not Succeeded: only a Succeeded Snapshot is restored", error.Message);
    }

    [Fact]
    public void A_Snapshot_of_another_Repository_is_refused()
    {
        var error = Assert.Throws<InvalidInputException>(() => SnapshotChoice.EnsureRestorable(Snap("other-1", "other", "Succeeded", null), "repo"));

        Assert.Equal("Snapshot demo/other-1 belongs to Repository \"other\", not \"repo\" (spec.dataSource.repository)", error.Message);
    }

    [Fact]
    public void Without_a_session_repository_the_Snapshot_names_it()
    {
        var session = KubeStashSamples.SessionWithSpec("dataSource:\n  snapshot: other-1");

        Assert.Equal("other", SnapshotChoice.RepositoryName(session, Snap("other-1", "other", "Succeeded", null)));
        Assert.Equal("gcs-demo-repo", SnapshotChoice.RepositoryName(KubeStashSamples.ReadSession(), Snap("other-1", "other", "Succeeded", null)));
    }
}
