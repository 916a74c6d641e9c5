namespace Stash.Restore.Core.Restic;

/// <summary>
/// What a plan's restic calls need on disk, for as long as they run: the scratch folders
/// (TMPDIR, cache) and the 0600 credential files. Disposing removes the credential files and
/// their folder on every exit path; the scratch folders stay (the cache is worth keeping).
/// </summary>
/// <remarks>
/// <para>Credential files go into a fresh private folder per run
/// (<c>&lt;scratch&gt;/restic-credentials-&lt;128-bit random&gt;</c>, see <see cref="ResticBackends.NewCredentialsDirectory"/>):
/// created by us, mode 0700, empty when we find it, never a symlink. An existing folder of that name is
/// never reused: the run fails instead. The scratch folder may be shared (<c>/stash-tmp</c> is 1777 in the image).</para>
/// <para>A run holds an exclusive lock on <c>.lock</c> inside its folder while restic runs. A run killed
/// by SIGKILL cannot remove its folder, but the kernel releases its lock; the next run finds such
/// folders (unlocked, ours by name and mode) and removes them before writing its own.</para>
/// </remarks>
internal sealed class ResticWorkspace : IDisposable
{
    private const string LockFileName = ".lock";
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly List<string> _written = [];
    private string? _credentialsDirectory;
    private FileStream? _lock;

    private ResticWorkspace()
    {
    }

    /// <summary>The private folder holding this run's credential files, or null when the plan needs none.</summary>
    public string? CredentialsDirectory => _credentialsDirectory;

    /// <summary>
    /// The scratch folder outside a pod (no <c>/stash-tmp</c>, no <c>--scratch-dir</c>): the user's own cache
    /// folder (<c>$XDG_CACHE_HOME/stash-restore</c>, else <c>$HOME/.cache/stash-restore</c>), so the restic cache
    /// is kept between runs; without a usable home, a folder in the temp dir named with 128 random bits.
    /// Never a fixed name in a shared temp dir, where another user could create it first.
    /// </summary>
    public static string DefaultScratchDirectory(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.GetValueOrDefault("XDG_CACHE_HOME") is { Length: > 1 } cache && Path.IsPathRooted(cache))
            return Path.Combine(cache, "stash-restore");
        if (environment.GetValueOrDefault("HOME") is { Length: > 1 } home && Path.IsPathRooted(home))
            return Path.Combine(home, ".cache", "stash-restore");
        var temp = environment.GetValueOrDefault("TMPDIR") is { Length: > 0 } t && Path.IsPathRooted(t) ? t : "/tmp";
        return Path.Combine(temp, "stash-restore-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
    }

    /// <exception cref="DependencyUnavailableException">A folder or file cannot be written, or the credentials folder already exists.</exception>
    public static ResticWorkspace Prepare(ResticPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var workspace = new ResticWorkspace();
        try
        {
            foreach (var directory in plan.ScratchDirectories)
                CreateScratchDirectory(directory);
            var directories = plan.CredentialFiles.Select(f => Path.GetDirectoryName(f.Path) ?? ".").Distinct(StringComparer.Ordinal).ToList();
            foreach (var directory in directories)
            {
                SweepStale(Path.GetDirectoryName(directory) ?? ".");
                workspace.CreatePrivateDirectory(directory);
            }
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
            TryDelete(() => File.Delete(path));
        _written.Clear();
        _lock?.Dispose();
        _lock = null;
        if (_credentialsDirectory is { } directory)
            TryDelete(() => Directory.Delete(directory, recursive: true));
        _credentialsDirectory = null;
    }

    /// <summary>
    /// Removes credential folders that runs killed by SIGKILL left in <paramref name="scratch"/>: named
    /// like ours, real folders (not symlinks), mode 0700, and not locked by a live run.
    /// </summary>
    /// <returns>The folders removed.</returns>
    public static IReadOnlyList<string> SweepStale(string scratch)
    {
        var removed = new List<string>();
        if (!Directory.Exists(scratch))
            return removed;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(scratch, ResticBackends.CredentialsDirectoryName + "-*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }
        foreach (var candidate in candidates)
        {
            var info = new DirectoryInfo(candidate);
            if (info.LinkTarget is not null || info.UnixFileMode != Private)
                continue; // not one we made
            if (IsLockedByLiveRun(candidate))
                continue;
            if (TryDelete(() => Directory.Delete(candidate, recursive: true)))
                removed.Add(candidate);
        }
        return removed;
    }

    private static bool IsLockedByLiveRun(string directory)
    {
        try
        {
            // FileShare.None takes an exclusive flock(2); it fails while the owning run lives.
            using var probe = new FileStream(Path.Combine(directory, LockFileName), FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false; // killed between creating the folder and its lock
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // not ours to judge
        }
    }

    private void CreatePrivateDirectory(string directory)
    {
        // The name is 128 random bits: if it exists, someone else made it, and it is not used.
        if (Directory.Exists(directory) || File.Exists(directory) || new FileInfo(directory).LinkTarget is not null)
            throw new DependencyUnavailableException($"credentials directory '{directory}' already exists; refusing to reuse a folder this run did not create");
        try
        {
            Directory.CreateDirectory(directory, Private);
            _credentialsDirectory = directory;
            var info = new DirectoryInfo(directory);
            if (info.LinkTarget is not null || info.EnumerateFileSystemInfos().Any())
                throw new DependencyUnavailableException($"credentials directory '{directory}' was replaced while it was created; refusing to use it");
            // The umask may have taken bits away; setting the mode also fails unless we own the folder.
            if (info.UnixFileMode != Private)
                File.SetUnixFileMode(directory, Private);
            _lock = new FileStream(Path.Combine(directory, LockFileName), new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = OwnerReadWrite,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot create credentials directory '{directory}': {e.Message}", e);
        }
    }

    private void Write(CredentialFile file)
    {
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerReadWrite,
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

    private static void CreateScratchDirectory(string path)
    {
        try
        {
            // Private when we create it; a folder the operator mounted or made keeps its mode.
            Directory.CreateDirectory(path, Private);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot create scratch directory '{path}': {e.Message}", e);
        }
    }

    private static bool TryDelete(Action delete)
    {
        try
        {
            delete();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
