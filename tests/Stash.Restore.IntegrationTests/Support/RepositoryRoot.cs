namespace Stash.Restore.IntegrationTests.Support;

/// <summary>The checkout the tests were built from: the directory holding <c>StashRestore.slnx</c>, found by walking up from the test binary.</summary>
internal static class RepositoryRoot
{
    public static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "StashRestore.slnx")))
                return dir.FullName;
        }
        return null;
    }

    /// <summary>A file of the checkout (e.g. <c>tests/rbac/stash/stash-restore-job.yaml</c>); throws when there is no checkout.</summary>
    public static string File(string relativePath) =>
        Path.Combine(Find() ?? throw new InvalidOperationException("StashRestore.slnx not found above the test binary"), relativePath);

    /// <summary><c>../shared/&lt;name&gt;</c> beside the checkout, or null.</summary>
    public static string? Shared(string name) =>
        Find() is { } root && Path.GetFullPath(Path.Combine(root, "..", "shared", name)) is var shared && Directory.Exists(shared) ? shared : null;
}
