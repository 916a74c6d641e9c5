using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>The target's filesystem and what is already there, as the free-space check reads them (statfs, lstat).</summary>
public sealed class TargetFilesystemTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("target-fs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_path_not_made_yet_is_measured_on_its_nearest_parent_and_its_mount_point_is_an_ancestor()
    {
        var filesystem = TargetFilesystem.Of(Path.Combine(_root, "not", "yet"));

        Assert.NotNull(filesystem);
        Assert.StartsWith(filesystem.MountPoint.TrimEnd('/') + "/", _root + "/", StringComparison.Ordinal);
        Assert.True(filesystem.Available > 0);
    }

    [Fact]
    public void Bytes_under_a_folder_are_its_files_sizes_not_following_symlinks()
    {
        Directory.CreateDirectory(Path.Combine(_root, "d", "sub"));
        File.WriteAllBytes(Path.Combine(_root, "d", "a"), new byte[1000]);
        File.WriteAllBytes(Path.Combine(_root, "d", "sub", "b"), new byte[24]);
        File.CreateSymbolicLink(Path.Combine(_root, "d", "link"), Path.Combine(_root, "d", "a"));

        Assert.Equal(1024, TargetFilesystem.BytesUnder(Path.Combine(_root, "d")));
        Assert.Equal(1000, TargetFilesystem.BytesUnder(Path.Combine(_root, "d", "a")));
        Assert.Equal(0, TargetFilesystem.BytesUnder(Path.Combine(_root, "missing")));
    }
}
