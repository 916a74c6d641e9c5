using System.Security.Cryptography;
using System.Text;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>What a test tree holds at one relative path.</summary>
internal sealed record TreeEntry(string Kind, UnixFileMode Mode, string? Sha256, string? LinkTarget, long Size)
{
    public override string ToString() => Kind switch
    {
        "file" => $"file mode {Convert.ToString((int)Mode, 8)} {Size} bytes sha256 {Sha256![..12]}",
        "symlink" => $"symlink -> {LinkTarget}",
        _ => $"dir mode {Convert.ToString((int)Mode, 8)}",
    };
}

/// <summary>
/// Builds directory trees with content, modes, symlinks, empty directories and awkward names,
/// and compares two trees file by file (content hash, mode, symlink target).
/// </summary>
internal sealed class TestTree(string root)
{
    public string Root { get; } = root;

    public static TestTree At(string root)
    {
        Directory.CreateDirectory(root);
        return new TestTree(root);
    }

    public TestTree File(string relativePath, string content, UnixFileMode? mode = null) =>
        File(relativePath, Encoding.UTF8.GetBytes(content), mode);

    public TestTree File(string relativePath, byte[] content, UnixFileMode? mode = null)
    {
        var path = Full(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        if (mode is { } m)
            SetMode(path, m);
        return this;
    }

    /// <summary>A file of <paramref name="size"/> pseudo-random bytes, reproducible from <paramref name="seed"/>.</summary>
    public TestTree RandomFile(string relativePath, int size, int seed, UnixFileMode? mode = null)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return File(relativePath, bytes, mode);
    }

    public TestTree Symlink(string relativePath, string target)
    {
        var path = Full(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.CreateSymbolicLink(path, target);
        return this;
    }

    public TestTree EmptyDirectory(string relativePath, UnixFileMode? mode = null)
    {
        var path = Full(relativePath);
        Directory.CreateDirectory(path);
        if (mode is { } m)
            SetMode(path, m);
        return this;
    }

    /// <summary>A mixed tree: nested dirs, modes, symlinks, an empty dir, names with spaces and non-ASCII.</summary>
    public TestTree Mixed(string tag)
    {
        return File("README.txt", $"readme {tag}\n")
            .File("bin/run.sh", $"#!/bin/sh\necho {tag}\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute)
            .File("secret/key.pem", $"key {tag}", UnixFileMode.UserRead | UnixFileMode.UserWrite)
            .File("dir with spaces/file name.txt", $"spaces {tag}")
            .File("données/été-日本語.txt", $"non-ascii {tag}")
            .File("logs/app.log", $"log line {tag}\n")
            .File("logs/keep.txt", $"keep {tag}")
            .RandomFile("blobs/random.bin", 300_000, tag.GetHashCode(StringComparison.Ordinal))
            .File("empty-file", "")
            .Symlink("link-to-readme", "README.txt")
            .Symlink("dangling-link", "/nonexistent/target")
            .EmptyDirectory("empty dir");
    }

    /// <summary>Every entry under <paramref name="root"/> by relative path.</summary>
    public static SortedDictionary<string, TreeEntry> Read(string root)
    {
        var entries = new SortedDictionary<string, TreeEntry>(StringComparer.Ordinal);
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(root, info.FullName);
            if (info.LinkTarget is { } target)
                entries[relative] = new TreeEntry("symlink", 0, null, target, 0);
            else if (info is FileInfo file)
                entries[relative] = new TreeEntry("file", file.UnixFileMode, Hash(file.FullName), null, file.Length);
            else
                entries[relative] = new TreeEntry("dir", info.UnixFileMode, null, null, 0);
        }
        return entries;
    }

    /// <summary>Human-readable differences between two trees; empty when they are equal.</summary>
    public static List<string> Compare(string expectedRoot, string actualRoot)
    {
        var expected = Read(expectedRoot);
        var actual = Read(actualRoot);
        var differences = new List<string>();
        foreach (var (path, entry) in expected)
        {
            if (!actual.TryGetValue(path, out var other))
                differences.Add($"missing: {path} ({entry})");
            else if (entry != other)
                differences.Add($"differs: {path}: expected {entry}, got {other}");
        }
        differences.AddRange(actual.Keys.Where(p => !expected.ContainsKey(p)).Select(p => $"unexpected: {p} ({actual[p]})"));
        return differences;
    }

    /// <summary>Asserts the two trees are equal, listing every difference.</summary>
    public static void AssertEqual(string expectedRoot, string actualRoot)
    {
        var differences = Compare(expectedRoot, actualRoot);
        Assert.True(differences.Count == 0, $"trees differ ({expectedRoot} vs {actualRoot}):\n" + string.Join('\n', differences));
    }

    /// <summary>Gives the owner rwx on every directory so a test's temp tree can be deleted.</summary>
    public static void MakeDeletable(string root)
    {
        if (!Directory.Exists(root))
            return;
        foreach (var directory in Directory.EnumerateDirectories(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            if (new DirectoryInfo(directory).LinkTarget is null)
                SetMode(directory, new DirectoryInfo(directory).UnixFileMode | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("test trees need Unix file modes");
        System.IO.File.SetUnixFileMode(path, mode);
    }

    private string Full(string relativePath) => Path.Combine(Root, relativePath);

    private static string Hash(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
