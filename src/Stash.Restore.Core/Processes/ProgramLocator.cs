namespace Stash.Restore.Core.Processes;

/// <summary>Finds an executable the way execvp would: a path with a slash as is, a bare name on PATH.</summary>
internal static class ProgramLocator
{
    /// <summary>The absolute path of <paramref name="program"/>, or null when it is not an executable file.</summary>
    public static string? Find(string program, string? searchPath)
    {
        if (string.IsNullOrEmpty(program))
            return null;
        if (program.Contains('/', StringComparison.Ordinal))
            return IsExecutableFile(program) ? Path.GetFullPath(program) : null;
        foreach (var directory in (searchPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (IsExecutableFile(candidate))
                return Path.GetFullPath(candidate);
        }
        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        try
        {
            if (!File.Exists(path))
                return false;
            if (OperatingSystem.IsWindows())
                return true;
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return (File.GetUnixFileMode(path) & anyExecute) != 0;
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
