using Stash.Restore.Core.Families.Stash;

namespace Stash.Restore.Core.Tests.Fakes;

/// <summary>A real <see cref="IStashObjectSource"/> (files or API) that records which objects were asked for, in order.</summary>
internal sealed class RecordingStashObjectSource(IStashObjectSource inner) : IStashObjectSource
{
    private readonly List<string> _reads = [];

    /// <summary>Each read as <c>RestoreSession demo/rs</c>, <c>Repository demo/repo</c>, <c>Secret demo/creds</c>.</summary>
    public IReadOnlyList<string> Reads
    {
        get
        {
            lock (_reads)
                return _reads.ToArray();
        }
    }

    private void Record(string kind, string @namespace, string name)
    {
        lock (_reads)
            _reads.Add($"{kind} {@namespace}/{name}");
    }

    public Task<RestoreSession> GetRestoreSessionAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        Record("RestoreSession", @namespace, name);
        return inner.GetRestoreSessionAsync(@namespace, name, cancellationToken);
    }

    public Task<Repository> GetRepositoryAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        Record("Repository", @namespace, name);
        return inner.GetRepositoryAsync(@namespace, name, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        Record("Secret", @namespace, name);
        return inner.GetSecretAsync(@namespace, name, cancellationToken);
    }
}
