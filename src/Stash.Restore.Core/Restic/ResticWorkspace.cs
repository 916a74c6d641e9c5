namespace Stash.Restore.Core.Restic;

/// <summary>
/// What a plan's restic calls need on disk, for as long as they run: the scratch folders
/// (TMPDIR, cache) and the 0600 credential files in a 0700 folder. Disposing removes the
/// credential files on every exit path; the folders stay (the cache is worth keeping).
/// </summary>
internal sealed class ResticWorkspace : IDisposable
{
    private readonly List<string> _written = [];

    private ResticWorkspace()
    {
    }

    /// <exception cref="DependencyUnavailableException">A folder or file cannot be written.</exception>
    public static ResticWorkspace Prepare(ResticPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var workspace = new ResticWorkspace();
        try
        {
            foreach (var directory in plan.ScratchDirectories)
                CreateDirectory(directory, restricted: false);
            foreach (var file in plan.CredentialFiles)
                workspace.Write(file);
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var path in _written)
        {
            try { File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        _written.Clear();
    }

    private void Write(CredentialFile file)
    {
        var directory = Path.GetDirectoryName(file.Path) ?? ".";
        CreateDirectory(directory, restricted: true);
        try
        {
            // The mode is applied only when the file is created: never reuse one left behind.
            File.Delete(file.Path);
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            using (var stream = new FileStream(file.Path, options))
            using (var writer = new StreamWriter(stream))
                writer.Write(file.Content);
            _written.Add(file.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot write credential file '{file.Path}': {e.Message}", e);
        }
    }

    private static void CreateDirectory(string path, bool restricted)
    {
        try
        {
            if (restricted)
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            else
                Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot create scratch directory '{path}': {e.Message}", e);
        }
    }
}
