using System.Diagnostics;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Tests.Platform;

/// <summary>The status file both families write (<c>--status-file</c>): refused when it is not a regular file, one line when it cannot be written.</summary>
public sealed class StatusFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("status-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Each family's status file store, made for a path (the constructor is where a path is refused).</summary>
    public static TheoryData<string> Families => ["stash", "kubestash"];

    private static Func<Task> StoreWrite(string family, string path) => family == "stash"
        ? () => new HostStatusFile(path, null).UpsertAsync(new HostRestoreStats { Hostname = "host-0", Phase = HostPhase.Running }, CancellationToken.None)
        : () => new ComponentStatusFile(path, null).PatchAsync(ComponentStatusPatch.Running("dump"), CancellationToken.None);

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Dev_null_is_refused_as_a_character_device_and_stays_one(string family)
    {
        var e = await Assert.ThrowsAsync<InvalidInputException>(StoreWrite(family, "/dev/null"));

        Assert.Equal(
            "status file '/dev/null' is a character device, not a regular file: the status file is replaced whole at every write; name a regular file or a path that does not exist yet",
            e.Message);
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of("/dev/null"));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task A_fifo_is_refused_at_once_without_being_read_or_replaced(string family)
    {
        var fifo = Path.Combine(_dir, "status.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
            await mkfifo.WaitForExitAsync();
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));

        // A read of a FIFO waits for a writer: the refusal must come before any read, so this is bounded.
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => StoreWrite(family, fifo)().WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Contains($"status file '{fifo}' is a FIFO (named pipe), not a regular file", e.Message);
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
        Assert.Equal([fifo], Directory.GetFiles(_dir));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task A_directory_is_refused(string family)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir, "status.json")).FullName;

        var e = await Assert.ThrowsAsync<InvalidInputException>(StoreWrite(family, directory));

        Assert.Contains($"status file '{directory}' is a directory, not a regular file", e.Message);
        Assert.True(Directory.Exists(directory));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task A_symbolic_link_is_followed_the_link_stays_and_its_target_holds_the_status(string family)
    {
        var target = Path.Combine(_dir, "real.json");
        var link = Path.Combine(_dir, "status.json");
        File.CreateSymbolicLink(link, target);

        await StoreWrite(family, link)();

        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Contains("Running", await File.ReadAllTextAsync(target));
        Assert.Equal(FileKind.Regular, FileKinds.Of(target));
    }

    [Fact]
    public async Task A_regular_file_is_replaced_whole_and_leaves_no_temporary_or_lock_file()
    {
        var path = Path.Combine(_dir, "status.json");
        await File.WriteAllTextAsync(path, "{\"phase\":\"Running\"}");
        var file = new StatusFile(path);

        await file.ReplaceAsync(text => JsonNode.Parse(text!)!.AsObject().ToJsonString().Replace("Running", "Succeeded", StringComparison.Ordinal), CancellationToken.None);

        Assert.Equal("{\"phase\":\"Succeeded\"}", await File.ReadAllTextAsync(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_path_that_does_not_exist_yet_is_accepted_and_reads_as_no_status()
    {
        var file = new StatusFile(Path.Combine(_dir, "nested", "status.json"));

        Assert.Null(FileKinds.Of(file.Path));
        Assert.Null(file.ReadText());
    }
}
