using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>The objects a Stash restore reads, however they were obtained (API or files), validated once when loaded.</summary>
/// <param name="RepositorySecret">The backend Secret's data; its values were registered with the masker where they were read.</param>
internal sealed record RestoreInputs(
    RestoreSession Session,
    Repository Repository,
    IReadOnlyDictionary<string, string> RepositorySecret,
    PodIdentity Pod,
    string? HostOverride);
