namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Where the Stash objects of a run are read: the API in a cluster (<see cref="StashApiObjects"/>),
/// files offline (<see cref="StashFileObjects"/>: the <c>--objects</c> files, or
/// <c>--restoresession-file</c>/<c>--repository-file</c>). Objects come back type-checked, and the
/// session validated (its rules normalised and checked: <see cref="StashObjects.AcceptRestoreSession"/>,
/// the one place they are); missing ones are <see cref="DependencyUnavailableException"/>s naming them
/// (exit 3). What needs more than the session alone is checked once, by <see cref="StashInputs.LoadAsync"/>.
/// </summary>
internal interface IStashObjectSource
{
    Task<RestoreSession> GetRestoreSessionAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<Repository> GetRepositoryAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The Secret's decoded data, every value already registered with the masker.</summary>
    Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken);
}
