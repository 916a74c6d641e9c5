using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>Restore inputs from files: <c>--restoresession-file</c>, <c>--repository-file</c>, <c>--secret-dir</c>.</summary>
internal static class StashOfflineInputs
{
    public static RestoreInputs Load(string sessionFile, string? repositoryFile, string? secretDirectory, PodIdentity pod, string? hostOverride, SecretMasker masker)
    {
        if (string.IsNullOrWhiteSpace(repositoryFile))
            throw new InvalidInputException("--restoresession-file needs --repository-file: offline there is no API to read the Repository from");
        if (string.IsNullOrWhiteSpace(secretDirectory))
            throw new InvalidInputException("--restoresession-file needs --secret-dir: offline there is no API to read the backend Secret from");
        // Validated once, here: later steps trust the loaded session.
        var session = StashObjects.ReadRestoreSession(sessionFile);
        RestoreSessionValidator.EnsureValid(session, StashObjects.Describe(session));
        StashSessionSupport.EnsureOurs(session);
        var repository = StashObjects.ReadRepository(repositoryFile);
        var secret = SecretDirectory.Read(secretDirectory);
        // Registered once, where the values enter; nothing downstream registers them again.
        masker.AddRange(secret.Values);
        return new RestoreInputs(session, repository, secret, pod, hostOverride);
    }
}
