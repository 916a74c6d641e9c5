using System.Text.Json;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;
using static Stash.Restore.Core.Tests.Fakes.FakeRun;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>A repository's snapshots as <c>restic snapshots --json</c> lists them, and the one a call would restore now.</summary>
public sealed class ResticSnapshotListTests
{
    private const string Password = "list-secret-pw";

    private const string Listing = """
        [{"time":"2026-11-01T10:00:00Z","paths":["/data"],"hostname":"host-0","id":"1a2b3c4d5e6f70811a2b3c4d5e6f70811a2b3c4d5e6f70811a2b3c4d5e6f7081","short_id":"1a2b3c4d"},
         {"time":"2026-11-02T11:30:00.123456+01:00","paths":["/var/lib/app","/data"],"hostname":"host-0","id":"9f8e7d6c00000000000000000000000000000000000000000000000000000000"},
         {"time":"2026-11-03T10:00:00Z","paths":["/data"],"hostname":"host-1","id":"5555aaaa00000000000000000000000000000000000000000000000000000000","short_id":"5555aaaa"}]
        """;

    [Fact]
    public void The_snapshot_list_keeps_restics_size_summary()
    {
        var snapshots = ResticSnapshotList.Parse("""
            [{"time":"2026-12-06T07:22:15Z","paths":["/data"],"hostname":"h","id":"68b6a287aa","short_id":"68b6a287",
              "summary":{"files_new":51,"total_files_processed":51,"total_bytes_processed":30000141}},
             {"time":"2026-12-05T07:22:15Z","paths":["/data"],"hostname":"h","id":"11112222aa","short_id":"11112222"}]
            """);

        Assert.Equal([30000141L, null], snapshots.Select(s => s.TotalBytes));
    }

    [Fact]
    public void Each_snapshot_keeps_its_id_short_id_host_paths_and_time()
    {
        var snapshots = ResticSnapshotList.Parse(Listing);

        Assert.Equal(
            ["1a2b3c4d host-0 [/data] 2026-11-01T10:00:00Z", "9f8e7d6c host-0 [/var/lib/app /data] 2026-11-02T10:30:00Z", "5555aaaa host-1 [/data] 2026-11-03T10:00:00Z"],
            snapshots.Select(s => s.ToString()));
        Assert.Empty(ResticSnapshotList.Parse(""));
        Assert.Throws<JsonException>(() => ResticSnapshotList.Parse("""{"id":"not a list"}"""));
    }

    private static ResticInvocation Latest(string path, string host) =>
        new($"path {path} of host {host} (latest snapshot)", new ProcessSpec("restic", [], new Dictionary<string, string?>())) { Path = path, Host = host };

    [Fact]
    public void A_call_resolves_to_the_snapshot_restic_would_restore()
    {
        var snapshots = ResticSnapshotList.Parse(Listing);

        // latest --path /data --host host-0: the newest of host-0 that has /data among its paths.
        Assert.Equal("9f8e7d6c", ResticSnapshotList.Resolve(snapshots, Latest("/data", "host-0"))?.ShortId);
        Assert.Null(ResticSnapshotList.Resolve(snapshots, Latest("/data", "host-7")));
        // By id: the snapshot whose id begins with it, in any case.
        Assert.Equal("5555aaaa", ResticSnapshotList.Resolve(snapshots, Latest("/x", "h") with { Path = null, Host = null, SnapshotId = "5555AAAA" })?.ShortId);
    }

    private static ResticPlan Plan() =>
        new("rest:http://user:***@127.0.0.1:8000/", [])
        {
            ListSnapshots = new ProcessSpec("/usr/bin/restic", ["snapshots", "--json", "--no-cache"], new Dictionary<string, string?> { ["RESTIC_PASSWORD"] = Password }),
        };

    [Fact]
    public async Task Reading_runs_the_plans_listing_and_returns_its_snapshots()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(0, [.. Listing.Split('\n').Select(Out)]));

        var snapshots = await ResticSnapshotList.ReadAsync(processes, Plan(), new SecretMasker(), CancellationToken.None);

        Assert.Equal(3, snapshots.Count);
        Assert.Equal(["snapshots", "--json", "--no-cache"], Assert.Single(processes.Calls).Arguments);
    }

    [Fact]
    public async Task A_listing_restic_refuses_is_one_masked_line_with_restics_message()
    {
        var masker = new SecretMasker();
        masker.Add(Password);
        var processes = new FakeProcessRunner().Then(new FakeRun(12,
            Err($$"""{"message_type":"exit_error","code":12,"message":"Fatal: wrong password or no key found ({{Password}})"}""")));

        var e = await Assert.ThrowsAsync<RestoreFailedException>(() => ResticSnapshotList.ReadAsync(processes, Plan(), masker, CancellationToken.None));

        Assert.Equal("could not list the snapshots of rest:http://user:***@127.0.0.1:8000/ (restic exit 12): Fatal: wrong password or no key found (***)", e.Message);
    }
}
