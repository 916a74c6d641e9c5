using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// The objects a Stash restore reads, however they were obtained (API or files), validated once when
/// loaded (<see cref="LoadAsync"/>); later steps trust them.
/// </summary>
/// <param name="RepositorySecret">The backend Secret's data; its values were registered with the masker where they were read.</param>
internal sealed record StashInputs(
    RestoreSession Session,
    Repository Repository,
    IReadOnlyDictionary<string, string> RepositorySecret,
    PodIdentity Pod,
    string? HostOverride)
{
    /// <summary>
    /// Session (validated before anything else is read: a session that can never work is exit 2
    /// whatever else is missing) → its Repository (in the session's namespace unless it names one) →
    /// the backend Secret (<c>--secret-dir</c> when given, else the Repository's <c>storageSecretName</c>).
    /// </summary>
    /// <param name="secretDirectory"><c>--secret-dir</c>; wins over the source's Secret when given.</param>
    public static async Task<StashInputs> LoadAsync(
        IStashObjectSource source, SessionSelector selector, string? secretDirectory, PodIdentity pod, string? hostOverride, SecretMasker masker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(masker);
        var session = await LoadSessionAsync(source, selector, cancellationToken).ConfigureAwait(false);
        var reference = session.Spec.Repository;
        // A --repository-file is the Repository whatever the session names; the API and --objects find it by the session's reference.
        if (string.IsNullOrWhiteSpace(reference?.Name) && source is not StashFileObjects { HoldsOneRepository: true })
            throw new InvalidInputException($"{StashObjects.Describe(session)}: spec.repository.name is empty");
        var repositoryName = reference?.Name ?? "";
        var repositoryNamespace = string.IsNullOrWhiteSpace(reference?.Namespace) ? selector.Namespace : reference.Namespace;
        var repository = await source.GetRepositoryAsync(repositoryNamespace, repositoryName, cancellationToken).ConfigureAwait(false);
        // A password written into rest.url enters here, not through the Secret.
        masker.AddRange(UrlRedactor.Passwords(repository.Spec.Backend?.Rest?.Url ?? ""));

        var secret = await StashBackendSecret.ReadAsync(source, secretDirectory, repositoryNamespace, repository.Spec.Backend?.StorageSecretName,
            $"Repository {repositoryNamespace}/{repositoryName}: spec.backend.storageSecretName", masker, cancellationToken).ConfigureAwait(false);
        return new StashInputs(session, repository, secret, pod, hostOverride);
    }

    /// <summary>
    /// The RestoreSession, validated before anything else is read (by the source, which reports type and
    /// rule problems together: <see cref="StashObjects.AcceptRestoreSession"/>), ours (SPEC §2), and for
    /// the target the operator names.
    /// </summary>
    public static async Task<RestoreSession> LoadSessionAsync(IStashObjectSource source, SessionSelector selector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);
        var session = await source.GetRestoreSessionAsync(selector.Namespace, selector.Name, cancellationToken).ConfigureAwait(false);
        StashSessionSupport.EnsureOurs(session);
        EnsureTargetMatches(session, selector, StashObjects.Describe(session));
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
