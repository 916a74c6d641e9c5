using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Families.Stash;

public sealed class HostStatusFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("status-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Executors_sharing_a_status_file_keep_each_others_entries()
    {
        var path = Path.Combine(_dir, "status.json");
        var initial = new RestoreSessionStatus { Phase = "Running", TotalHosts = 20 };
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            new HostStatusFile(path, initial).UpsertAsync(new HostRestoreStats { Hostname = $"host-{i}", Phase = HostPhase.Succeeded, Duration = "1s" }, CancellationToken.None))));

        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        Assert.Equal(20, json["stats"]!.AsArray().Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"host-{i}").Order(), json["stats"]!.AsArray().Select(s => (string)s!["hostname"]!).Order());
        Assert.Equal("Running", (string?)json["phase"]);
        Assert.Null(json["stats"]![0]!["error"]);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    [Fact]
    public async Task Reads_back_what_it_wrote()
    {
        var store = new HostStatusFile(Path.Combine(_dir, "nested", "s.json"), null);
        Assert.Null(await store.GetAsync("host-0", CancellationToken.None));
        await store.UpsertAsync(new HostRestoreStats { Hostname = "host-0", Phase = HostPhase.Failed, Duration = "2s", Error = "wrong password" }, CancellationToken.None);
        var entry = await store.GetAsync("host-0", CancellationToken.None);
        Assert.Equal(("Failed", "wrong password"), (entry!.Phase, entry.Error));
    }
}
