using System.Text.Json.Nodes;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary><c>output.json</c>, which <c>restore-pvc</c> writes and <c>update-status</c> reads.</summary>
public sealed class RestoreOutputFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("stash-restore-output-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly TargetReference Target = new() { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Name = "data", Namespace = "demo" };

    private sealed class FixedRandom : IRandomSource
    {
        public double NextDouble() => 0.5;
        public string HexDigits(int hexDigits) => new('a', hexDigits);
    }

    /// <summary>The bytes Stash's Go (json.MarshalIndent with omitempty) would write for the same outcome.</summary>
    [Fact]
    public async Task Output_json_has_Stashs_shape_and_leaves_empty_fields_out()
    {
        await RestoreOutputFile.WriteAsync(_directory, RestoreOutputFile.For(Target, "host-0", new UnitStatusEntry("Succeeded", "1.5s")), new FixedRandom(), CancellationToken.None);
        Assert.Equal("""
            {
              "targetStatus": {
                "ref": {
                  "apiVersion": "v1",
                  "kind": "PersistentVolumeClaim",
                  "name": "data",
                  "namespace": "demo"
                },
                "stats": [
                  {
                    "hostname": "host-0",
                    "phase": "Succeeded",
                    "duration": "1.5s"
                  }
                ]
              }
            }

            """.ReplaceLineEndings("\n"), File.ReadAllText(Path.Combine(_directory, "output.json")));

        await RestoreOutputFile.WriteAsync(_directory, RestoreOutputFile.For(Target with { ApiVersion = "" }, "host-0", new UnitStatusEntry("Failed", null, "wrong password")), new FixedRandom(), CancellationToken.None);
        var failed = JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, "output.json")))!;
        Assert.Equal(["kind", "name", "namespace"], failed["targetStatus"]!["ref"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["hostname", "phase", "error"], failed["targetStatus"]!["stats"]![0]!.AsObject().Select(p => p.Key));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp-*"));
    }

    [Fact]
    public async Task Output_json_reads_back()
    {
        await RestoreOutputFile.WriteAsync(_directory, RestoreOutputFile.For(Target, "host-0", new UnitStatusEntry("Failed", "2s", "boom")), new FixedRandom(), CancellationToken.None);
        var entry = Assert.Single(RestoreOutputFile.Read(_directory).TargetStatus.Stats!);
        Assert.Equal(("host-0", "Failed", "2s", "boom"), (entry.Hostname, entry.Phase, entry.Duration, entry.Error));
    }

    [Theory]
    [InlineData("{\"targetStatus\":", "is not valid JSON")]
    [InlineData("{\"targetStatus\":{\"ref\":{}}}", "holds no host entry")]
    [InlineData("{\"targetStatus\":{\"stats\":[{\"phase\":\"Succeeded\"}]}}", "targetStatus.stats[0] has no hostname")]
    [InlineData("{\"targetStatus\":{\"stats\":[{\"hostname\":\"host-0\",\"phase\":\"Done\"}]}}", "targetStatus.stats[0].phase \"Done\" is not one of")]
    [InlineData("[]", "is not valid JSON")]
    public void A_malformed_output_json_is_invalid_input_naming_the_file(string text, string problem)
    {
        File.WriteAllText(Path.Combine(_directory, "output.json"), text);
        var e = Assert.Throws<InvalidInputException>(() => RestoreOutputFile.Read(_directory));
        Assert.StartsWith($"restore output {Path.Combine(_directory, "output.json")}", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_output_json_is_a_missing_dependency_naming_the_file()
    {
        var e = Assert.Throws<DependencyUnavailableException>(() => RestoreOutputFile.Read(Path.Combine(_directory, "nope")));
        Assert.Contains($"{Path.Combine(_directory, "nope", "output.json")} does not exist", e.Message, StringComparison.Ordinal);
    }
}
