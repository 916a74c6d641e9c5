namespace Stash.Restore.Core.Hooks;

/// <summary>The last N lines of a hook's output; stdout and stderr arrive concurrently.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
                _lines.Dequeue();
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
                return _lines.ToArray();
        }
    }
}
