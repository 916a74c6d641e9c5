using System.Text.Json.Nodes;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

/// <summary>The status file an offline KubeStash restore writes: its own component entry patched in, everything else kept.</summary>
public sealed class ComponentStatusFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubestash-status-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_status_file_keeps_the_operators_fields_and_other_components()
    {
        var session = KubeStashSamples.Objects(KubeStashSamples.SeedSession);
        var initial = session.Find(new("core.kubestash.com/v1alpha1", "RestoreSession", "demo", "sample-restore"))!["status"]!.DeepClone().AsObject();
        initial["components"]!["pod-0"] = new JsonObject { ["phase"] = "Failed", ["error"] = "old failure", ["duration"] = "1s" };
        var before = initial.DeepClone().AsObject();
        var file = new ComponentStatusFile(Path.Combine(_dir, "status.json"), initial);

        await file.ApplyAsync(ComponentStatusPatch.Running("pod-0"), CancellationToken.None);
        var running = file.Read();
        await file.ApplyAsync(ComponentStatusPatch.Progress("pod-0", new RestoreProgress { SecondsElapsed = 10, RestoreDone = "1.3MB" }), CancellationToken.None);
        await file.ApplyAsync(ComponentStatusPatch.Succeeded("pod-0", TimeSpan.FromSeconds(12.5)), CancellationToken.None);
        var after = file.Read();

        Assert.Equal("""{"phase":"Running"}""", running["components"]!["pod-0"]!.ToJsonString());
        Assert.Equal("""{"phase":"Succeeded","progress":{"secondsElapsed":10,"restoreDone":"1.3MB"},"duration":"12.5s"}""", after["components"]!["pod-0"]!.ToJsonString());
        foreach (var field in new[] { "phase", "totalComponents", "duration", "conditions", "dependencies", "targetFound" })
            Assert.Equal(before[field]!.ToJsonString(), after[field]!.ToJsonString());
        Assert.Equal(before["components"]!["pod-2"]!.ToJsonString(), after["components"]!["pod-2"]!.ToJsonString());
        Assert.True(ComponentStatusPatch.AlreadySucceeded(file.ReadStatus(), "pod-0"));
    }

    [Fact]
    public async Task Components_writing_one_status_file_at_once_all_land()
    {
        var path = Path.Combine(_dir, "shared-status.json");
        var components = Enumerable.Range(0, 20).Select(i => $"dump-pod-{i}").ToList();

        await Task.WhenAll(components.Select(c => Task.Run(async () =>
        {
            var file = new ComponentStatusFile(path, null);
            await file.ApplyAsync(ComponentStatusPatch.Running(c), CancellationToken.None);
            await file.ApplyAsync(ComponentStatusPatch.Succeeded(c, TimeSpan.FromSeconds(1)), CancellationToken.None);
        })));

        var status = new ComponentStatusFile(path, null).ReadStatus()!;
        Assert.Equal(components.Order(StringComparer.Ordinal), status.Components!.Keys.Order(StringComparer.Ordinal));
        Assert.All(status.Components.Values, entry => Assert.Equal(("Succeeded", "1s"), (entry.Phase, entry.Duration)));
    }
}
