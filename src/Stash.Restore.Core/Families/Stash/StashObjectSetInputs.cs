using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Restore inputs from the <c>--objects</c> files (the API served from files): the Stash
/// RestoreSession, its Repository and the Repository's Secret, validated as the file flags are.
/// </summary>
internal static class StashObjectSetInputs
{
    /// <summary>The Stash RestoreSession in <paramref name="objects"/>, or null when the files hold none.</summary>
    public static RestoreInputs? Load(ObjectSet objects, string? sessionName, string @namespace, PodIdentity pod, string? hostOverride, SecretMasker masker)
    {
        var sessions = objects.OfKind(RestoreSession.ApiVersionV1Beta1, RestoreSession.KindName).ToList();
        if (sessions.Count == 0)
            return null;
        var key = !string.IsNullOrWhiteSpace(sessionName)
            ? new ObjectKey(RestoreSession.ApiVersionV1Beta1, RestoreSession.KindName, @namespace, sessionName.Trim())
            : sessions.Count == 1
                ? sessions[0]
                : throw new InvalidInputException(
                    $"the --objects files hold {sessions.Count} RestoreSessions ({string.Join(", ", sessions.Select(s => $"{s.Namespace}/{s.Name}"))}); name one with --restoresession and --namespace");
        var sessionJson = objects.Find(key) ?? throw new DependencyUnavailableException($"{key} not found in the --objects files");
        // Validated once, here, exactly as a --restoresession-file is.
        var session = StashObjects.AcceptRestoreSession(sessionJson.ToJsonString(), key.ToString());
        StashSessionSupport.EnsureOurs(session);

        var repositoryName = session.Spec.Repository?.Name
            ?? throw new InvalidInputException($"{key}: spec.repository.name is required");
        var repositoryNamespace = session.Spec.Repository.Namespace is { Length: > 0 } ns ? ns : key.Namespace;
        var repositoryKey = new ObjectKey(Repository.ApiVersionV1Alpha1, Repository.KindName, repositoryNamespace, repositoryName);
        var repositoryJson = objects.Find(repositoryKey) ?? throw new DependencyUnavailableException($"{repositoryKey} not found in the --objects files");
        var repository = StashObjects.AcceptRepository(repositoryJson.ToJsonString(), repositoryKey.ToString());
        masker.AddRange(UrlRedactor.Passwords(repository.Spec.Backend?.Rest?.Url ?? ""));

        var secretName = repository.Spec.Backend?.StorageSecretName
            ?? throw new InvalidInputException($"{repositoryKey}: spec.backend.storageSecretName is required");
        var secret = objects.Secret(repositoryNamespace, secretName);
        // Registered once, where the values enter; nothing downstream registers them again.
        masker.RegisterSecretData($"Secret {repositoryNamespace}/{secretName}", secret);
        return new RestoreInputs(session, repository, secret, pod, hostOverride);
    }
}
