using Stash.Restore.Core.Execution;
using Stash.Restore.Core.Hosts;

namespace Stash.Restore.Core.Input;

/// <summary>Restore inputs from files: <c>--restoresession-file</c>, <c>--repository-file</c>, <c>--secret-dir</c>.</summary>
internal static class OfflineInputs
{
    public static RestoreInputs Load(string sessionFile, string? repositoryFile, string? secretDirectory, PodIdentity pod, string? hostOverride)
    {
        if (string.IsNullOrWhiteSpace(repositoryFile))
            throw new InvalidInputException("--restoresession-file needs --repository-file: offline there is no API to read the Repository from");
        if (string.IsNullOrWhiteSpace(secretDirectory))
            throw new InvalidInputException("--restoresession-file needs --secret-dir: offline there is no API to read the backend Secret from");
        var session = StashObjects.ReadRestoreSession(sessionFile);
        var repository = StashObjects.ReadRepository(repositoryFile);
        var secret = SecretDirectory.Read(secretDirectory);
        return new RestoreInputs(session, repository, secret, pod, hostOverride);
    }
}
