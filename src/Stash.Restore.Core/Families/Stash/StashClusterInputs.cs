using Stash.Restore.Core.Input;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>Which RestoreSession to restore, and the target the operator says it is for.</summary>
/// <param name="TargetKind">--target-kind; must match spec.target.ref when given.</param>
internal sealed record SessionSelector(string Namespace, string Name, string? TargetKind = null, string? TargetName = null, string? TargetNamespace = null);

/// <summary>
/// Restore inputs from the API: the RestoreSession, its Repository, and the Repository's
/// backend Secret (or a mounted <c>--secret-dir</c>).
/// </summary>
internal static class StashClusterInputs
{
    public static async Task<RestoreInputs> LoadAsync(
        IKubernetesApi api, SessionSelector selector, string? secretDirectory, PodIdentity pod, string? hostOverride, SecretMasker masker, CancellationToken cancellationToken)
    {
        var session = await LoadSessionAsync(api, selector, cancellationToken);
        var source = StashObjects.Describe(session);
        var reference = session.Spec.Repository;
        if (string.IsNullOrWhiteSpace(reference?.Name))
            throw new InvalidInputException($"{source}: spec.repository.name is empty");
        var repositoryNamespace = string.IsNullOrWhiteSpace(reference.Namespace) ? selector.Namespace : reference.Namespace;
        var repository = await api.GetRepositoryAsync(repositoryNamespace, reference.Name, cancellationToken);
        // A password written into rest.url enters here, not through the Secret.
        masker.AddRange(UrlRedactor.Passwords(repository.Spec.Backend?.Rest?.Url ?? ""));

        var secret = await StashBackendSecret.ReadAsync(api, secretDirectory, repositoryNamespace, repository.Spec.Backend?.StorageSecretName,
            $"Repository {repositoryNamespace}/{reference.Name}: spec.backend.storageSecretName", masker, cancellationToken);
        return new RestoreInputs(session, repository, secret, pod, hostOverride);
    }

    /// <summary>
    /// The RestoreSession, validated before anything else is read (a session that can never work is
    /// exit 2 whatever else is missing), ours, and for the target the operator names.
    /// </summary>
    public static async Task<RestoreSession> LoadSessionAsync(IKubernetesApi api, SessionSelector selector, CancellationToken cancellationToken)
    {
        var session = await api.GetRestoreSessionAsync(selector.Namespace, selector.Name, cancellationToken);
        var source = StashObjects.Describe(session);
        RestoreSessionValidator.EnsureValid(session, source);
        StashSessionSupport.EnsureOurs(session);
        EnsureTargetMatches(session, selector, source);
        return session;
    }

    /// <summary>The operator's --target-* flags name the target this executor was injected for; a mismatch is a wrong session.</summary>
    /// <exception cref="InvalidInputException">The flags name another target.</exception>
    public static void EnsureTargetMatches(RestoreSession session, SessionSelector selector, string source)
    {
        var target = session.Spec.Target?.Ref;
        var targetNamespace = target?.Namespace ?? session.Metadata.Namespace;
        var mismatches = new List<string>();
        if (selector.TargetKind is { Length: > 0 } kind && !string.Equals(kind, target?.Kind, StringComparison.OrdinalIgnoreCase))
            mismatches.Add($"kind {kind} (session has {target?.Kind ?? "none"})");
        if (selector.TargetName is { Length: > 0 } name && name != target?.Name && !NamesClaimTemplate(session, target, name))
            mismatches.Add($"name {name} (session has {target?.Name ?? "none"})");
        if (selector.TargetNamespace is { Length: > 0 } ns && ns != targetNamespace)
            mismatches.Add($"namespace {ns} (session has {targetNamespace ?? "none"})");
        if (mismatches.Count > 0)
            throw new InvalidInputException($"{source}: its target does not match --target-* flags: {string.Join(", ", mismatches)}");
    }

    /// <summary>
    /// A target given by <c>volumeClaimTemplates</c> alone has no name; Stash's restore Job then passes
    /// the first template's name as <c>--target-name</c>.
    /// </summary>
    private static bool NamesClaimTemplate(RestoreSession session, TargetReference? target, string name) =>
        string.IsNullOrEmpty(target?.Name)
        && session.Spec.Target?.VolumeClaimTemplates is [var first, ..]
        && first["metadata"]?["name"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
        && (string?)first["metadata"]!["name"] == name;
}
