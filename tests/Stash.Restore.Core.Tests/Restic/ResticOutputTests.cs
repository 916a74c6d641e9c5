using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>restic's lines as restic 0.14–0.18 print them (JSON and text), read into what the runner acts on.</summary>
public sealed class ResticOutputTests
{
    [Theory]
    [InlineData("Summary: Restored 3 / 5 files/dirs (1.000 KiB / 2.000 KiB) in 0:01, skipped 2 files/dirs 1.000 KiB", 3, 2, 1024)]
    [InlineData("Summary: Restored 10 files/dirs (2.500 MiB) in 0:03", 10, 0, 2621440)]
    public void Text_summary_variants(string line, long files, long skipped, long bytes) =>
        Assert.Equal(new ResticMessage.Summary(files, skipped, bytes), ResticOutput.Parse(line));

    [Fact]
    public void Json_lines_of_a_restore_become_status_entries_summary_errors_and_the_fatal_exit()
    {
        Assert.Equal(
            new ResticMessage.Status(0.25, 8, 2, 4000, 1000, 1) { FilesSkipped = 3, BytesSkipped = 500 },
            ResticOutput.Parse("""{"message_type":"status","seconds_elapsed":1,"percent_done":0.25,"total_files":8,"files_restored":2,"files_skipped":3,"total_bytes":4000,"bytes_restored":1000,"bytes_skipped":500}"""));
        Assert.Equal(new ResticMessage.Entry("restored", "/src/a/b/z", 3),
            ResticOutput.Parse("""{"message_type":"verbose_status","action":"restored","item":"/src/a/b/z","size":3}"""));
        Assert.Equal(new ResticMessage.ItemError("/data/b", "open /t/data/b: permission denied"),
            ResticOutput.Parse("""{"message_type":"error","error":{"message":"open /t/data/b: permission denied"},"during":"restore","item":"/data/b"}"""));
        Assert.Equal(new ResticMessage.Fatal("Fatal: wrong password or no key found", 12),
            ResticOutput.Parse("""{"message_type":"exit_error","code":12,"message":"Fatal: wrong password or no key found"}"""));
        var summary = Assert.IsType<ResticMessage.Summary>(ResticOutput.Parse("""{"message_type":"summary","seconds_elapsed":3,"total_files":8,"files_restored":7,"files_skipped":1,"total_bytes":4000,"bytes_restored":3500,"bytes_skipped":500}"""));
        Assert.Equal((7L, 1L, 3500L, 8L, 4000L, 500L, 3.0), (summary.FilesRestored, summary.FilesSkipped, summary.BytesRestored, summary.TotalFiles, summary.TotalBytes, summary.BytesSkipped, summary.SecondsElapsed));
    }

    [Fact]
    public void Text_lines_of_older_restic_name_the_snapshot_the_failed_item_and_the_fatal_error()
    {
        Assert.Equal(new ResticMessage.Restoring("1a2b3c4d", "restoring <Snapshot 1a2b3c4d of [/data] at 2026-11-01 10:00:00 +0000 UTC by root@host-0> to /"),
            ResticOutput.Parse("restoring <Snapshot 1a2b3c4d of [/data] at 2026-11-01 10:00:00 +0000 UTC by root@host-0> to /"));
        Assert.Equal(new ResticMessage.ItemError("/data/b", "open /t/data/b: permission denied"),
            ResticOutput.Parse("ignoring error for /data/b: open /t/data/b: permission denied"));
        Assert.Equal(new ResticMessage.Fatal("Fatal: wrong password or no key found", null), ResticOutput.Parse("Fatal: wrong password or no key found"));
        Assert.Equal(new ResticMessage.Text("repository 6f1a opened (version 2, compression level auto)"),
            ResticOutput.Parse("repository 6f1a opened (version 2, compression level auto)"));
    }

    [Fact]
    public void Terminal_redraws_leave_only_what_a_person_saw()
    {
        Assert.Equal("[0:02] 100.00%  3 / 3 files", ResticOutput.Clean("\u001b[2K[0:01] 50.00%  1 / 3 files\r\u001b[2K[0:02] 100.00%  3 / 3 files\r"));
        Assert.Equal("a\tb", ResticOutput.Clean("a\tb\u0007"));
        Assert.Equal("", ResticOutput.Clean(null));
    }

    [Fact]
    public void Ls_json_nodes_give_path_type_and_size_and_nothing_else_is_a_node()
    {
        Assert.Equal(("/data/a/y", "file", 3L), ResticOutput.ListedNode("""{"name":"y","type":"file","path":"/data/a/y","size":3,"struct_type":"node"}"""));
        Assert.Equal(("/data/a", "dir", 0L), ResticOutput.ListedNode("""{"name":"a","type":"dir","path":"/data/a","struct_type":"node"}"""));
        Assert.Null(ResticOutput.ListedNode("""{"time":"2026-11-02T10:00:00Z","paths":["/data"],"hostname":"host-7","id":"2222","struct_type":"snapshot"}"""));
        Assert.Null(ResticOutput.ListedNode("not json"));
        Assert.Null(ResticOutput.ListedNode("{broken"));
    }

    [Theory]
    [InlineData("lchown /t/data/a: operation not permitted", true)]
    [InlineData("chmod /t/data/a: operation not permitted", true)]
    [InlineData("lsetxattr /t/data/a security.selinux: operation not supported", true)]
    [InlineData("open /t/data/a: permission denied", false)]
    [InlineData("chmod /t/data/a: no space left on device", false)]
    public void Only_refused_ownership_and_mode_changes_are_metadata_errors(string message, bool metadata) =>
        Assert.Equal(metadata, ResticOutput.IsMetadataError(message));

    [Theory]
    [InlineData("5 B", 5)]
    [InlineData("1.000 KiB", 1024)]
    [InlineData("2.5 GiB", 2684354560)]
    [InlineData("", 0)]
    public void Text_sizes_are_read_in_binary_units(string text, long bytes) =>
        Assert.Equal(bytes, ResticOutput.ParseSize(text));
}
