using Stash.Restore.Core;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using KubeStash = Stash.Restore.Core.Families.KubeStash;
using StashFamily = Stash.Restore.Core.Families.Stash;

namespace Stash.Restore.Cli.Commands;

/// <summary>The API family a <c>restore</c> run is for.</summary>
internal enum RestoreFamily
{
    /// <summary><c>stash.appscode.com</c>: a host of a RestoreSession (init-container, restore Job, offline).</summary>
    Stash,

    /// <summary><c>core.kubestash.com</c>: a component of a Snapshot (the restore Functions, offline).</summary>
    KubeStash,
}

/// <summary>
/// The one place that decides which family a <c>restore</c> invocation is for (SPEC §15), and why.
/// The other commands name their family themselves: <c>restore-pvc</c>, <c>update-status</c> and
/// <c>run-hook</c> are Stash's restore Job; <c>validate</c> reads the file's apiVersion.
/// <list type="bullet">
/// <item>Offline, the session document decides: <c>--restoresession-file</c> is Stash's file form;
/// in the <c>--objects</c> files the apiVersion of the RestoreSession (the named one, or any).</item>
/// <item>In a cluster the invocation decides where it can: Stash's operator passes
/// <c>--restore-model</c>, <c>--invoker-kind</c>/<c>--invoker-name</c>, <c>--secret-dir</c> or
/// <c>--target-*</c>, which KubeStash's Functions never do; the Functions always pass
/// <c>--snapshot=</c> (possibly empty), which Stash's operator never does.</item>
/// <item>Only a manual <c>restore --restoresession x -n ns</c> says neither: then the session is read as
/// KubeStash's once, here, and handed on; a 404 or 403 on the KubeStash group means a Stash session.</item>
/// </list>
/// </summary>
/// <param name="Family">The family the run is for.</param>
/// <param name="DecidedBy">What decided it, for the debug log.</param>
/// <param name="KubeStashSession">The KubeStash session when deciding had to read it (not read again).</param>
internal sealed record RestoreFamilyChoice(RestoreFamily Family, string DecidedBy, KubeStash.RestoreSession? KubeStashSession = null)
{
    /// <summary>The family when the invocation (and, offline, the documents) tell it; null when only the session can.</summary>
    /// <param name="objects">The <c>--objects</c> files, read; null when not given.</param>
    /// <exception cref="InvalidInputException">The <c>--objects</c> files hold no RestoreSession of either family.</exception>
    public static RestoreFamilyChoice? FromInvocation(RestoreOptions options, ObjectSet? objects)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RestoreSessionFile is not null)
            return new(RestoreFamily.Stash, "--restoresession-file");
        if (objects is not null)
            return FromObjects(objects, options.RestoreSession);
        var stashFlag = StashOperatorFlag(options);
        if (stashFlag is not null && !options.SnapshotGiven)
            return new(RestoreFamily.Stash, stashFlag);
        if (options.SnapshotGiven && stashFlag is null)
            return new(RestoreFamily.KubeStash, "--snapshot");
        // No session named: Stash's session choice says what is missing.
        if (string.IsNullOrWhiteSpace(options.RestoreSession))
            return new(RestoreFamily.Stash, "no --restoresession");
        return null;
    }

    /// <summary>
    /// <see cref="FromInvocation"/>, else (a cluster run naming only the session) the session read
    /// through the KubeStash group: found, KubeStash; 404 or 403, Stash.
    /// </summary>
    public static async Task<RestoreFamilyChoice> ChooseAsync(
        RestoreOptions options, ObjectSet? objects, KubernetesClient? cluster, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        if (FromInvocation(options, objects) is { } decided)
            return decided;
        if (cluster is null)
            return new(RestoreFamily.Stash, "offline");
        var (@namespace, name) = KubeStash.KubeStashSessionChoice.Select(options, environment, cluster.Configuration.Namespace)!;
        try
        {
            var session = await new KubeStash.KubeStashApiObjects(cluster.Api).GetRestoreSessionAsync(@namespace, name, cancellationToken);
            return new(RestoreFamily.KubeStash, $"{KubeStash.RestoreSession.ApiVersionV1Alpha1} RestoreSession {@namespace}/{name}", session);
        }
        catch (DependencyUnavailableException e) when (KubernetesApiException.StatusCodeOf(e) is 404 or 403)
        {
            return new(RestoreFamily.Stash, $"no {KubeStash.RestoreSession.ApiVersionV1Alpha1} RestoreSession {@namespace}/{name} to read ({KubernetesApiException.StatusCodeOf(e)})");
        }
    }

    /// <summary>The first flag only Stash's operator passes, or null.</summary>
    private static string? StashOperatorFlag(RestoreOptions options) =>
        options.RestoreModel is not null ? "--restore-model"
        : options.InvokerKind is not null ? "--invoker-kind"
        : options.InvokerName is not null ? "--invoker-name"
        : options.SecretDir is not null ? "--secret-dir"
        : options.TargetKind is not null ? "--target-kind"
        : options.TargetName is not null ? "--target-name"
        : options.TargetNamespace is not null ? "--target-namespace"
        : null;

    /// <summary>
    /// KubeStash when the files hold a KubeStash RestoreSession (the named one when <c>--restoresession</c>
    /// names one the files hold), else Stash when they hold a Stash one.
    /// </summary>
    private static RestoreFamilyChoice FromObjects(ObjectSet objects, string? name)
    {
        var kubeStash = objects.OfKind(KubeStash.RestoreSession.ApiVersionV1Alpha1, KubeStash.RestoreSession.KindName).ToList();
        var stash = objects.OfKind(StashFamily.RestoreSession.ApiVersionV1Beta1, StashFamily.RestoreSession.KindName).ToList();
        bool Named(ObjectKey key) => key.Name == name?.Trim();
        if (!string.IsNullOrWhiteSpace(name) && stash.Any(Named) && !kubeStash.Any(Named))
            return new(RestoreFamily.Stash, $"--objects: {StashFamily.RestoreSession.ApiVersionV1Beta1} RestoreSession {name}");
        if (kubeStash.Count > 0)
            return new(RestoreFamily.KubeStash, $"--objects: {KubeStash.RestoreSession.ApiVersionV1Alpha1} RestoreSession");
        if (stash.Count > 0)
            return new(RestoreFamily.Stash, $"--objects: {StashFamily.RestoreSession.ApiVersionV1Beta1} RestoreSession");
        throw new InvalidInputException(
            $"the --objects files hold no RestoreSession ({StashFamily.RestoreSession.ApiVersionV1Beta1} or {KubeStash.RestoreSession.ApiVersionV1Alpha1})");
    }
}
