using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Backends;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// One snapshot of <c>&lt;root&gt;/data</c> as <c>host-0</c>: <c>changed.txt</c>, <c>same.txt</c> and
/// <c>sub/same2.txt</c> (so the snapshot holds directories too).
/// </summary>
public sealed class PreviewSnapshotFixture : IAsyncLifetime
{
    internal TestRepository Repo { get; private set; } = null!;

    /// <summary>The backed-up path, absolute.</summary>
    internal string DataPath { get; private set; } = "";

    /// <summary>A copy of what the snapshot holds under <see cref="DataPath"/>.</summary>
    internal string Original { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Repo = await TestRepository.CreateAsync();
        DataPath = Path.Combine(Repo.Root, "data");
        Original = Path.Combine(Repo.Root, "original");
        foreach (var root in new[] { DataPath, Original })
            TestTree.At(root).File("changed.txt", "as backed up\n").File("same.txt", "untouched\n").File("sub/same2.txt", "untouched too\n");
        await Repo.BackupAsync("host-0", DateTimeOffset.UtcNow.AddMinutes(-5), DataPath);
        Directory.Delete(DataPath, recursive: true);
    }

    public Task DisposeAsync()
    {
        Repo.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>restore --dry-run</c> asks restic 0.17+ what each call would do to the target as it is now
/// (<c>restore --dry-run --overwrite if-changed</c>), and mirror mode (<c>stash-restore/mirror: "true"</c>)
/// deletes what the snapshot lacks under the restored path and nothing else. Real restic, real files.
/// </summary>
public sealed class TargetPreviewTests(PreviewSnapshotFixture snapshot) : IClassFixture<PreviewSnapshotFixture>, IDisposable
{
    private readonly WorkDirectory _work = new("target-preview-");

    public void Dispose() => _work.Dispose();

    // The session files, written anew by each Args call: outside what the tests compare.
    private const string Inputs = "inputs";

    private string Target => Path.Combine(_work.Path, "target");

    /// <summary>Everything the executor could write: target, scratch folder, status file.</summary>
    private List<string> Written() => [.. FullListing(_work.Path).Where(e => !e.StartsWith(Inputs + "/", StringComparison.Ordinal) && !e.StartsWith(Inputs + " ", StringComparison.Ordinal))];

    /// <summary>Where the snapshot's data lands under the target.</summary>
    private string Restored => Target + snapshot.DataPath;

    private string[] Args(bool mirror, string? include = null, string? exclude = null, params string[] extra)
    {
        var filters = (include is null ? "" : $"\n        include: [\"{include}\"]") + (exclude is null ? "" : $"\n        exclude: [\"{exclude}\"]");
        var annotations = mirror ? ", annotations: {stash-restore/mirror: \"true\"}" : "";
        var inputs = Directory.CreateDirectory(Path.Combine(_work.Path, Inputs)).FullName;
        var session = Path.Combine(inputs, "rs.yaml");
        File.WriteAllText(session, $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {"{"}name: rs, namespace: demo{annotations}{"}"}
            spec:
              repository: {"{"}name: repo{"}"}
              target:
                rules:
                  - paths: ["{snapshot.DataPath}"]{filters}
            """);
        var repository = Path.Combine(inputs, "repo.yaml");
        File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: repo, namespace: demo}}\nspec:\n  backend:\n    local: {{mountPath: {snapshot.Repo.RepositoryPath}}}\n");
        var secret = Directory.CreateDirectory(Path.Combine(inputs, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), snapshot.Repo.Password);
        return ["restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret, "--host", "host-0",
            "--target-dir", Target, "--scratch-dir", Path.Combine(_work.Path, "scratch"), "--status-file", Path.Combine(_work.Path, "status.json"),
            "--log-format", "text", .. extra];
    }

    /// <summary>
    /// The target after a first restore, then one file changed and one added under the restored path, and
    /// a file beside the path and in a sibling whose name starts the same, which no restore may touch.
    /// </summary>
    private async Task PrepareTargetAsync()
    {
        var first = await CliHarness.RunAsync(Args(mirror: false));
        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());
        File.Delete(Path.Combine(_work.Path, "status.json"));
        File.WriteAllText(Path.Combine(Restored, "changed.txt"), "changed since\n");
        File.WriteAllText(Path.Combine(Restored, "added.txt"), "added since\n");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(Restored)!, "outside.txt"), "beside the restored path\n");
        TestTree.At(Restored + "2").File("sibling.txt", "in data2, not data\n");
    }

    /// <summary>Every entry under <paramref name="root"/>: type, size, SHA-256 of its content, mode and modification time.</summary>
    internal static List<string> FullListing(string root) =>
        [.. new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(e => $"{Path.GetRelativePath(root, e.FullName)} {(e is FileInfo f ? $"{f.Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f.FullName)))}" : "dir")} {e.UnixFileMode} {e.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal)];

    private static JsonObject Changes(CliResult result) =>
        (JsonObject)JsonNode.Parse(result.Output)!["resticCalls"]![0]!["changes"]!;

    [Fact]
    public async Task The_preview_counts_one_updated_two_unchanged_and_writes_nothing_anywhere()
    {
        await PrepareTargetAsync();
        var before = Written();
        var repositoryBefore = FullListing(snapshot.Repo.RepositoryPath);

        var result = await CliHarness.RunAsync(Args(mirror: false, extra: ["--dry-run", "-o", "json"]));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var changes = Changes(result);
        // Exactly these keys: files, not directories (the snapshot's sub/ and data/ and its parents are left out).
        Assert.Equal(["restored", "updated", "unchanged", "deleted", "bytes"], changes.Select(p => p.Key));
        Assert.Equal(0, (long)changes["restored"]!);
        Assert.Equal(1, (long)changes["updated"]!);
        Assert.Equal(2, (long)changes["unchanged"]!);
        Assert.Equal(0, (long)changes["deleted"]!);
        Assert.Equal("as backed up\n".Length, (long)changes["bytes"]!);
        Assert.False((bool)JsonNode.Parse(result.Output)!["mirror"]!);
        // Nothing written: target, scratch (no cache, TMPDIR, credential folder), status — nor a lock in the repository.
        Assert.Equal(before, Written());
        Assert.Equal(repositoryBefore, FullListing(snapshot.Repo.RepositoryPath));
    }

    [Fact]
    public async Task With_mirror_the_preview_also_counts_the_added_file_as_deleted_and_still_writes_nothing()
    {
        await PrepareTargetAsync();
        var before = Written();

        var result = await CliHarness.RunAsync(Args(mirror: true, extra: ["--dry-run", "-o", "json"]));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var changes = Changes(result);
        Assert.Equal((0L, 1L, 2L, 1L), ((long)changes["restored"]!, (long)changes["updated"]!, (long)changes["unchanged"]!, (long)changes["deleted"]!));
        var argv = JsonNode.Parse(result.Output)!["resticCalls"]![0]!["argv"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal(["--delete", "--include", snapshot.DataPath], argv.TakeLast(3));
        Assert.True((bool)JsonNode.Parse(result.Output)!["mirror"]!);
        Assert.Equal(before, Written());
    }

    [Fact]
    public async Task The_text_plan_says_what_each_call_would_change_in_one_line()
    {
        await PrepareTargetAsync();

        var result = await CliHarness.RunAsync(Args(mirror: true, extra: ["--dry-run"]));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("    target now: 0 new, 1 updated, 2 unchanged, 1 deleted file(s); 13 B to write\n", result.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  mirror:          yes", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fresh_target_previews_every_file_as_new()
    {
        var result = await CliHarness.RunAsync(Args(mirror: false, extra: ["--dry-run", "-o", "json"]));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var changes = Changes(result);
        Assert.Equal((3L, 0L, 0L, 0L), ((long)changes["restored"]!, (long)changes["updated"]!, (long)changes["unchanged"]!, (long)changes["deleted"]!));
        Assert.False(Directory.Exists(Target), "the dry run created the target");
    }

    [Fact]
    public async Task The_mirror_restore_leaves_exactly_the_snapshot_under_the_restored_path_and_nothing_else_touched()
    {
        await PrepareTargetAsync();
        var outside = Path.Combine(Path.GetDirectoryName(Restored)!, "outside.txt");
        var outsideBefore = FullListing(Path.GetDirectoryName(Restored)!).Where(e => e.StartsWith("outside.txt ", StringComparison.Ordinal) || e.StartsWith("data2", StringComparison.Ordinal)).ToList();

        var result = await CliHarness.RunAsync(Args(mirror: true));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        TestTree.AssertEqual(snapshot.Original, Restored);
        Assert.True(File.Exists(outside));
        Assert.Equal(outsideBefore, FullListing(Path.GetDirectoryName(Restored)!).Where(e => e.StartsWith("outside.txt ", StringComparison.Ordinal) || e.StartsWith("data2", StringComparison.Ordinal)));
        // The call's log line and the closing line (which the Event carries) say what was deleted.
        Assert.Contains(", 1 files the snapshot lacks deleted", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"Restored host ""host-0"" .*: 1 file\(s\), 13 byte\(s\) restored, 2 unchanged file\(s\) skipped, \d+ dir\(s\), 1 file\(s\) deleted", result.Error);
        Assert.Equal("Succeeded", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(_work.Path, "status.json")))!["stats"]![0]!["phase"]);
    }

    [Fact]
    public async Task Mirror_with_an_include_under_the_path_deletes_only_what_the_include_selects()
    {
        await PrepareTargetAsync();
        // Not selected by "<data>/*.txt": a .log file, and a directory (with a .txt inside) the snapshot lacks.
        File.WriteAllText(Path.Combine(Restored, "added.log"), "filtered out\n");
        TestTree.At(Path.Combine(Restored, "newdir")).File("inner.txt", "filtered out too\n");

        var result = await CliHarness.RunAsync(Args(mirror: true, include: $"{snapshot.DataPath}/*.txt"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.False(File.Exists(Path.Combine(Restored, "added.txt")), "added.txt is selected by the include and not in the snapshot: mirror mode deletes it");
        Assert.Equal("as backed up\n", File.ReadAllText(Path.Combine(Restored, "changed.txt")));
        Assert.Equal("filtered out\n", File.ReadAllText(Path.Combine(Restored, "added.log")));
        Assert.Equal("filtered out too\n", File.ReadAllText(Path.Combine(Restored, "newdir", "inner.txt")));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(Restored)!, "outside.txt")));
    }

    [Theory]
    [InlineData("*.txt", "is not anchored under the restored path")]
    [InlineData("/elsewhere/*.txt", "is not anchored under the restored path")]
    public async Task Mirror_with_an_include_that_reaches_outside_the_path_is_refused_before_anything_runs(string include, string message)
    {
        await PrepareTargetAsync();
        var before = Written();

        var result = await CliHarness.RunAsync(Args(mirror: true, include: include));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("restic: restoring", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Written());
    }

    [Fact]
    public async Task Mirror_with_an_exclude_is_refused_before_anything_runs()
    {
        await PrepareTargetAsync();
        var before = Written();

        var result = await CliHarness.RunAsync(Args(mirror: true, exclude: "*.log"));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("mirror mode (annotation stash-restore/mirror) cannot be combined with exclude patterns (*.log)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("restic: restoring", result.Error, StringComparison.Ordinal);
        // No status entry, no file touched.
        Assert.Equal(before, Written());
    }

    /// <summary>
    /// Why mirror mode refuses excludes, kept as a test of restic itself (0.18): <c>--delete</c> removes a
    /// directory the snapshot lacks with everything in it, the files the exclude leaves out included.
    /// </summary>
    [Fact]
    public async Task Restic_delete_removes_excluded_files_inside_a_directory_the_snapshot_lacks()
    {
        await PrepareTargetAsync();
        var kept = Path.Combine(Restored, "kept.log");
        File.WriteAllText(kept, "excluded, beside the snapshot's files\n");
        var inNewDirectory = Path.Combine(Restored, "newdir", "inner.log");
        TestTree.At(Path.GetDirectoryName(inNewDirectory)!).File("inner.log", "excluded, in a directory the snapshot lacks\n");

        await snapshot.Repo.RunResticAsync("restore", "latest", "--host", "host-0", "--target", Target, "--delete", "--exclude", "*.log", "--no-cache");

        Assert.True(File.Exists(kept), "restic spares an excluded file the snapshot lacks");
        Assert.False(File.Exists(inNewDirectory), "restic 0.18 now spares excluded files in deleted directories: mirror mode could allow excludes (ResticMirror.Check)");
    }

    [RequiresToolFact(TestTool.Restic014)]
    public async Task Restic_0_14_says_the_preview_needs_0_17_and_refuses_mirror_with_exit_2()
    {
        var restic014 = new Dictionary<string, string> { ["PATH"] = TestTools.PathWithRestic014() };

        var preview = await CliHarness.RunAsync(restic014, Args(mirror: false, extra: ["--dry-run"]));
        var mirror = await CliHarness.RunAsync(restic014, Args(mirror: true));

        Assert.True(preview.ExitCode == ExitCodes.Success, preview.ToString());
        Assert.Contains("target now: restic 0.14.0 cannot say what the restore would change in the target: that needs restore --dry-run, restic 0.17 or newer", preview.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidInput, mirror.ExitCode);
        Assert.Contains("mirror mode (annotation stash-restore/mirror) needs restic 0.17 or newer for restore --delete; restic 0.14.0", mirror.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Target));
        Assert.False(File.Exists(Path.Combine(_work.Path, "status.json")));
    }

    [Fact]
    public async Task An_annotation_that_is_not_true_or_false_is_invalid_input()
    {
        var args = Args(mirror: true);
        File.WriteAllText(args[2], File.ReadAllText(args[2]).Replace("\"true\"", "\"yes\"", StringComparison.Ordinal));

        var result = await CliHarness.RunAsync(args);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("metadata.annotations[\"stash-restore/mirror\"]: \"yes\" is not \"true\" or \"false\"", result.Error, StringComparison.Ordinal);
    }
}
