using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// The backend Secret of a Stash restore: mounted as files (<c>--secret-dir</c>), or read from the run's
/// <see cref="IStashObjectSource"/>. Its values are registered with the masker where they are read, once.
/// </summary>
internal static class StashBackendSecret
{
    /// <param name="secretDirectory"><c>--secret-dir</c>; wins over the API when given.</param>
    /// <param name="secretName">The Secret to read from <paramref name="source"/>; empty is an error naming <paramref name="whereNamed"/>.</param>
    /// <param name="whereNamed">What names the Secret, for that error: <c>Repository demo/repo: spec.backend.storageSecretName</c>.</param>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(
        IStashObjectSource source, string? secretDirectory, string @namespace, string? secretName, string whereNamed, SecretMasker masker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(masker);
        if (secretDirectory is not null)
        {
            var secret = SecretDirectory.Read(secretDirectory);
            masker.RegisterSecretData($"Secret directory '{secretDirectory}'", secret);
            return secret;
        }
        if (string.IsNullOrWhiteSpace(secretName))
            throw new InvalidInputException($"{whereNamed} is empty and no --secret-dir was given");
        return await source.GetSecretAsync(@namespace, secretName.Trim(), cancellationToken).ConfigureAwait(false);
    }
}
