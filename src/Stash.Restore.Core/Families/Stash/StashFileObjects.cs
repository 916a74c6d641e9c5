using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// The Stash objects served from files (offline mode): the <c>--objects</c> files (the API served from
/// files), or one <c>--restoresession-file</c> and one <c>--repository-file</c>, whose backend Secret
/// then comes from <c>--secret-dir</c>.
/// </summary>
internal sealed class StashFileObjects : IStashObjectSource
{
    private readonly ObjectSet? _objects;
    private readonly string? _sessionFile;
    private readonly string? _repositoryFile;
    private readonly SecretMasker _masker;

    private StashFileObjects(ObjectSet? objects, string? sessionFile, string? repositoryFile, SecretMasker masker) =>
        (_objects, _sessionFile, _repositoryFile, _masker) = (objects, sessionFile, repositoryFile, masker);

    /// <summary>Whether this is <c>--repository-file</c>: the one Repository, whatever the session names.</summary>
    public bool HoldsOneRepository => _objects is null;

    /// <summary>The <c>--objects</c> files: every object is found by its apiVersion, kind, namespace and name.</summary>
    public static StashFileObjects Of(ObjectSet objects, SecretMasker masker) => new(objects, null, null, masker);

    /// <summary>
    /// <c>--restoresession-file</c> and <c>--repository-file</c>: the session and the Repository are the
    /// files' whatever they are named; the backend Secret is <c>--secret-dir</c>'s.
    /// </summary>
    /// <exception cref="InvalidInputException">A file flag the session needs is missing.</exception>
    public static StashFileObjects Of(string sessionFile, string? repositoryFile, string? secretDirectory, SecretMasker masker)
    {
        if (string.IsNullOrWhiteSpace(repositoryFile))
            throw new InvalidInputException("--restoresession-file needs --repository-file: offline there is no API to read the Repository from");
        if (string.IsNullOrWhiteSpace(secretDirectory))
            throw new InvalidInputException("--restoresession-file needs --secret-dir: offline there is no API to read the backend Secret from");
        return new(null, sessionFile, repositoryFile, masker);
    }

    /// <summary>
    /// The session a run restores: the <c>--restoresession-file</c>'s; in the <c>--objects</c> files the one
    /// named by <c>--restoresession</c> (in <paramref name="namespace"/>), or the only one when none is named.
    /// </summary>
    /// <exception cref="InvalidInputException">No name and not exactly one Stash session in the files.</exception>
    public SessionSelector Select(string? name, string @namespace)
    {
        if (_objects is null)
            return new SessionSelector(@namespace, name ?? "");
        if (!string.IsNullOrWhiteSpace(name))
            return new SessionSelector(@namespace, name.Trim());
        var sessions = _objects.OfKind(RestoreSession.ApiVersionV1Beta1, RestoreSession.KindName).ToList();
        return sessions.Count switch
        {
            1 => new SessionSelector(sessions[0].Namespace, sessions[0].Name),
            0 => throw new InvalidInputException($"the --objects files hold no {RestoreSession.ApiVersionV1Beta1} RestoreSession"),
            _ => throw new InvalidInputException(
                $"the --objects files hold {sessions.Count} RestoreSessions ({string.Join(", ", sessions.Select(s => $"{s.Namespace}/{s.Name}"))}); name one with --restoresession and --namespace"),
        };
    }

    public Task<RestoreSession> GetRestoreSessionAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (_objects is null)
            return Task.FromResult(StashObjects.ReadRestoreSession(_sessionFile!));
        var key = new ObjectKey(RestoreSession.ApiVersionV1Beta1, RestoreSession.KindName, @namespace, name);
        var json = _objects.Find(key) ?? throw new DependencyUnavailableException($"{key} not found in the --objects files");
        return Task.FromResult(StashObjects.AcceptRestoreSession(json.ToJsonString(), key.ToString()));
    }

    public Task<Repository> GetRepositoryAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (_objects is null)
            return Task.FromResult(StashObjects.ReadRepository(_repositoryFile!));
        var key = new ObjectKey(Repository.ApiVersionV1Alpha1, Repository.KindName, @namespace, name);
        var json = _objects.Find(key) ?? throw new DependencyUnavailableException($"{key} not found in the --objects files");
        return Task.FromResult(StashObjects.AcceptRepository(json.ToJsonString(), key.ToString()));
    }

    public Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (_objects is null)
            throw new InvalidInputException($"the backend Secret {@namespace}/{name} is read through the API or the --objects files: give --secret-dir");
        var secret = _objects.Secret(@namespace, name);
        // Registered once, where the values enter; nothing downstream registers them again.
        _masker.RegisterSecretData($"Secret {@namespace}/{name}", secret);
        return Task.FromResult(secret);
    }
}
