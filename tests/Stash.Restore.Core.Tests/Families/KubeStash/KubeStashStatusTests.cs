using System.Text.Json.Nodes;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class KubeStashStatusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubestash-status-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Expected values printed by Go's fmt with docker/go-units' HumanSize algorithm (go run, Go 1.2x).
    [Theory]
    [InlineData(0, "0B")]
    [InlineData(999, "999B")]
    [InlineData(1000, "1kB")]
    [InlineData(1024, "1.024kB")]
    [InlineData(12125, "12.12kB")]
    [InlineData(999949, "999.9kB")]
    [InlineData(999950, "1000kB")]
    [InlineData(1048576, "1.049MB")]
    [InlineData(1300000, "1.3MB")]
    [InlineData(5268000000, "5.268GB")]
    [InlineData(1e28, "1e+04YB")]
    [InlineData(0.5, "0.5B")]
    [InlineData(0.00001234, "1.234e-05B")]
    [InlineData(123456789.0 / 7, "17.64MB")]
    public void Sizes_print_as_go_units_HumanSize(double bytes, string expected) =>
        Assert.Equal(expected, KubeStashProgress.HumanSize(bytes));

    [Theory]
    [InlineData(0, "0.00")]
    [InlineData(0.125, "0.12")]
    [InlineData(12.125, "12.12")]
    [InlineData(2.675, "2.67")]
    [InlineData(99.995, "100.00")]
    [InlineData(7.4848, "7.48")]
    [InlineData(100.0 / 3, "33.33")]
    public void Percentages_round_as_Go_fixed_format(double value, string expected) =>
        Assert.Equal(expected, GoNumber.FormatFixed(value, 2));

    [Fact]
    public void A_restic_status_line_becomes_KubeStash_progress()
    {
        var line = ResticOutput.Parse("""{"message_type":"status","seconds_elapsed":10,"percent_done":0.0002467,"total_files":2,"files_restored":1,"total_bytes":5268000000,"bytes_restored":1300000}""");

        var progress = KubeStashProgress.From(UnitProgress.From(Assert.IsType<ResticMessage.Status>(line)));

        Assert.Equal(
            new RestoreProgress { SecondsElapsed = 10, PercentDone = "0.02%", TotalFiles = 2, FilesDone = 1, RestoreDone = "1.3MB", Total = "5.268GB", Speed = "130kB/s" },
            progress);
    }

    [Fact]
    public void Zero_counts_are_left_out_as_Go_omitempty_does()
    {
        var progress = KubeStashProgress.From(UnitProgress.From(new ResticMessage.Status(0, 0, 0, 0, 0, 0)));

        Assert.Equal("""{"status":{"components":{"dump":{"progress":{"restoreDone":"0B"}}}}}""", ComponentStatusPatch.Progress("dump", progress).ToJsonString());
    }

    [Fact]
    public void Patch_bodies_touch_only_the_component_entry()
    {
        Assert.Equal(
            """{"status":{"components":{"dump-pod-0":{"phase":"Running","progress":null,"duration":null,"error":null}}}}""",
            ComponentStatusPatch.Running("dump-pod-0").ToJsonString());
        Assert.Equal(
            """{"status":{"components":{"dump-pod-0":{"phase":"Succeeded","duration":"2m40.5958575s","error":null}}}}""",
            ComponentStatusPatch.Succeeded("dump-pod-0", TimeSpan.FromTicks(1_605_958_575)).ToJsonString());
        Assert.Equal(
            """{"status":{"components":{"dump-pod-0":{"phase":"Failed","duration":"884.4317ms","error":"restic exited 12: wrong password"}}}}""",
            ComponentStatusPatch.Failed("dump-pod-0", TimeSpan.FromTicks(8_844_317), "restic exited 12: wrong password").ToJsonString());
    }

    // RFC 7386 appendix A.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("[1,2]", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("{}", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Merge_patch_follows_RFC_7386(string target, string patch, string expected)
    {
        var result = JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch));

        Assert.Equal(expected, result?.ToJsonString() ?? "null");
    }

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
