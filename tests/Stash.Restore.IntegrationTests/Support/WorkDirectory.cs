namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// A fresh temporary directory for one test's files; dispose deletes it, read-only parts
/// (a restore can write those) included.
/// </summary>
internal sealed class WorkDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        TestTree.MakeDeletable(Path);
        Directory.Delete(Path, recursive: true);
    }

    /// <summary>
    /// Deletes <paramref name="path"/> like <see cref="Dispose"/>, but leaves what cannot be deleted: for
    /// fixtures whose clean-up must not hide the failure of the tests that used them.
    /// </summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            TestTree.MakeDeletable(path);
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
