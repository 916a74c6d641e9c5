namespace Stash.Restore.IntegrationTests.Support;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TestTreeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("stash-tree-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Equal_trees_compare_equal_and_every_kind_of_difference_is_reported()
    {
        var a = TestTree.At(Path.Combine(_root, "a")).Mixed("v1").Root;
        var b = TestTree.At(Path.Combine(_root, "b")).Mixed("v1").Root;
        Assert.Empty(TestTree.Compare(a, b));
        Assert.Contains("données/été-日本語.txt", TestTree.Read(a).Keys);
        Assert.Equal("symlink", TestTree.Read(a)["dangling-link"].Kind);
        Assert.Equal("dir", TestTree.Read(a)["empty dir"].Kind);

        File.WriteAllText(Path.Combine(b, "README.txt"), "changed");
        File.SetUnixFileMode(Path.Combine(b, "secret/key.pem"), UnixFileMode.UserRead);
        File.Delete(Path.Combine(b, "link-to-readme"));
        File.CreateSymbolicLink(Path.Combine(b, "link-to-readme"), "elsewhere");
        File.Delete(Path.Combine(b, "empty-file"));
        File.WriteAllText(Path.Combine(b, "extra"), "x");

        var differences = TestTree.Compare(a, b);
        Assert.Contains(differences, d => d.StartsWith("differs: README.txt", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("differs: secret/key.pem: expected file mode 600", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("differs: link-to-readme: expected symlink -> README.txt, got symlink -> elsewhere", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("missing: empty-file", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("unexpected: extra", StringComparison.Ordinal));
        Assert.Equal(5, differences.Count);
    }
}
