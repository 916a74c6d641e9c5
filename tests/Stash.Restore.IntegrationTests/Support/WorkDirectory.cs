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
}
