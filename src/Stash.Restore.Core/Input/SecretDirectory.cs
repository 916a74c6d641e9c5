namespace Stash.Restore.Core.Input;

/// <summary>
/// A mounted Secret: one file per key (<c>--secret-dir</c>). Kubernetes mounts keys as symlinks into
/// a hidden <c>..data</c> directory; dot-entries are skipped.
/// </summary>
internal static class SecretDirectory
{
    public static IReadOnlyDictionary<string, string> Read(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DependencyUnavailableException($"secret directory '{directory}' does not exist");
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var key = Path.GetFileName(file);
            if (key.StartsWith('.'))
                continue;
            try
            {
                data[key] = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The message names the key, never its content.
                throw new DependencyUnavailableException($"secret directory '{directory}': cannot read key {key}: {e.GetType().Name}", e);
            }
        }
        return data;
    }
}
