using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Hooks;

/// <summary>
/// The last N lines of a hook's output, masked; stdout and stderr arrive concurrently. Each line
/// is masked as it arrives, and the tail is masked again as a whole when it is shortened into a
/// message, so a multi-line secret is caught before any cut.
/// </summary>
internal sealed class OutputTail(int capacity, SecretMasker masker)
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();

    /// <summary>Keeps <paramref name="line"/> masked; returns the masked line (for the debug log).</summary>
    public string Add(string line)
    {
        var masked = masker.Apply(line);
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
                _lines.Dequeue();
        }
        return masked;
    }

    /// <summary>The kept lines, masked.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            string[] lines;
            lock (_gate)
                lines = _lines.ToArray();
            // Joined before masking, so a secret that spans lines (a PEM key, a password with a newline) matches whole.
            return lines.Length == 0 ? [] : masker.Apply(string.Join('\n', lines)).Split('\n');
        }
    }

    /// <summary>The kept lines joined by <paramref name="separator"/>, masked first and then cut to the last <paramref name="maxLength"/> characters.</summary>
    public string Text(string separator, int maxLength)
    {
        string[] lines;
        lock (_gate)
            lines = _lines.ToArray();
        return masker.ApplyAndKeepEnd(masker.Apply(string.Join('\n', lines)).Replace("\n", separator, StringComparison.Ordinal), maxLength);
    }
}
