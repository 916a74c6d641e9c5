using Serilog;
using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Platform;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>How a <c>restore-pvc</c> run ended: its exit code, and the entry handed to <c>update-status</c>.</summary>
internal sealed record PvcRestoreOutcome(string Host, int ExitCode, HostRestoreStats Entry);

/// <summary>
/// <c>restore-pvc</c>, the first container of Stash's stand-alone PVC restore Job (SPEC §15): the
/// Function's arguments made into the Stash model — a session whose one rule is theirs, a Repository
/// whose backend is theirs — restored by <see cref="StashHostRestore"/> like any Stash host, with the
/// host's final entry written to <c>output.json</c> instead of the RestoreSession.
/// </summary>
/// <remarks>
/// Once the host is known, every failure ends as a Failed entry in <c>output.json</c> and, with
/// <c>--output-dir</c>, exit 0: the pod's next container, <c>update-status</c>, records it (a failing
/// init-container would stop it from ever running). SIGTERM/SIGINT still exit 143/130.
/// </remarks>
/// <param name="liveProgress">restic's progress as a live line (by hand, on a terminal); null in a pod.</param>
internal sealed class StashPvcRestore(
    IResticRestore restic, SecretMasker masker, ILogger log, TimeProvider clock, RestoreSettings settings, Interruption interruption, IRandomSource random,
    ILiveProgress? liveProgress = null)
{
    /// <summary>Where the rule of a restore from the Function's arguments is said to sit, in messages and plans.</summary>
    public const string ArgumentsField = "restore-pvc arguments";

    /// <param name="session">The RestoreSession, loaded and validated; its target matches the operator's <c>--target-*</c>.</param>
    /// <param name="readSecret">Reads the backend Secret (through the API, or <c>--secret-dir</c>), registering its values with the masker.</param>
    public async Task<PvcRestoreOutcome> RestoreAsync(
        RestoreSession session, PvcRestoreArguments arguments, PodIdentity pod,
        Func<CancellationToken, Task<IReadOnlyDictionary<string, string>>> readSecret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(arguments);
        // A REST URL's password arrives in --endpoint, not only in the Secret.
        masker.AddRange(UrlRedactor.Passwords(arguments.Backend.Endpoint ?? ""));
        var host = JobHost.Resolve(session.Spec.Target, pod, arguments.Hostname);
        var hostLog = log.ForHost(host);
        var output = new RestoreOutputStore(arguments.OutputDir, TargetOf(session), random, hostLog);
        UnitOutcome outcome;
        try
        {
            var secret = await readSecret(cancellationToken);
            var inputs = new StashInputs(ForArguments(session, arguments, host), RepositoryOf(session, arguments), secret, pod, host);
            // Events go to the log: update-status records them on the session, as Stash's Job does.
            var parts = new RestoreParts<IHostStatusStore>(restic, new HooksRunElsewhere(), output, new LoggedEventRecorder(hostLog), new UncontendedClaims(), null, masker, log, clock)
            {
                LiveProgress = liveProgress,
            };
            outcome = await new StashHostRestore(parts, settings, interruption).RestoreAsync(inputs, cancellationToken);
        }
        catch (Exception e) when ((e is RestoreException and not StatusNotRecordedException) || (e is OperationCanceledException && interruption.Reason is not null))
        {
            // Failures before restic ran (the Secret, the backend, restic missing) reach update-status too.
            var error = interruption.Reason ?? masker.Apply(e.Message);
            hostLog.Error("Restore of host {Host:l} failed: {Error:l}", host, error);
            using var write = new StatusWriteBudget(cancellationToken, clock);
            await output.UpsertAsync(new HostRestoreStats { Hostname = host, Phase = HostPhase.Failed, Error = error }, write.Token);
            var exitCode = interruption.Reason is not null ? interruption.ExitCode : ((RestoreException)e).ExitCode;
            outcome = new UnitOutcome(new RestoreUnit(StashHostRestore.UnitKind, host), UnitPhase.Failed, exitCode, error, "");
        }

        var entry = output.Written ?? new HostRestoreStats { Hostname = host, Phase = outcome.Phase, Error = outcome.Error };
        var handedOn = outcome.Phase == UnitPhase.Failed && arguments.OutputDir is not null && interruption.Reason is null;
        if (handedOn)
            hostLog.Information("The failure is in {Path:l}; exit 0 so that update-status records it", RestoreOutputFile.PathIn(arguments.OutputDir!));
        return new PvcRestoreOutcome(host, handedOn ? ExitCodes.Success : outcome.ExitCode, entry);
    }

    /// <summary>
    /// The session as restore-pvc restores it: the Function's paths or snapshots as its one rule (the
    /// source host of paths from the session's own rule for <paramref name="host"/>, else the host),
    /// <c>--args</c> as <c>target.args</c>, and no hooks (they run in the Job's run-hook containers).
    /// With neither paths nor snapshots the session's own rules decide: Stash's resolver matches rules
    /// against the alias only, so per-host rules of a volumeClaimTemplates restore reach no argument.
    /// </summary>
    internal static RestoreSession ForArguments(RestoreSession session, PvcRestoreArguments arguments, string host)
    {
        var target = session.Spec.Target ?? new RestoreTarget();
        var spec = session.Spec with { Hooks = null, Target = target with { Args = [.. arguments.Args] } };
        if (arguments.RestorePaths.Count == 0 && arguments.Snapshots.Count == 0)
            return session with { Spec = spec };
        var rule = new RestoreRule
        {
            Paths = arguments.RestorePaths.Count > 0 ? [.. arguments.RestorePaths] : null,
            Snapshots = arguments.Snapshots.Count > 0 ? [.. arguments.Snapshots] : null,
            Include = [.. arguments.Include],
            Exclude = [.. arguments.Exclude],
            SourceHost = RuleResolver.Resolve(session, host)?.SourceHost ?? host,
        };
        return session with { Spec = spec with { Target = spec.Target! with { Rules = [rule] }, RulesField = ArgumentsField } };
    }

    /// <summary>
    /// The session's Repository as the Function describes it: its name (Stash Snapshot names start with
    /// it) and namespace from <c>spec.repository</c>, its backend from the backend arguments.
    /// </summary>
    internal static Repository RepositoryOf(RestoreSession session, PvcRestoreArguments arguments) => new()
    {
        ApiVersion = Repository.ApiVersionV1Alpha1,
        Kind = Repository.KindName,
        Metadata = new ObjectMeta
        {
            Name = session.Spec.Repository?.Name,
            Namespace = RepositoryNamespace(session),
        },
        Spec = new RepositorySpec { Backend = arguments.Backend.ToBackendSpec(arguments.StorageSecretName) },
    };

    /// <summary>The namespace of the backend Secret: <c>--storage-secret-namespace</c>, else the Repository's.</summary>
    public static string SecretNamespace(RestoreSession session, PvcRestoreArguments arguments) =>
        !string.IsNullOrWhiteSpace(arguments.StorageSecretNamespace) ? arguments.StorageSecretNamespace.Trim() : RepositoryNamespace(session);

    private static string RepositoryNamespace(RestoreSession session) =>
        string.IsNullOrWhiteSpace(session.Spec.Repository?.Namespace) ? session.Metadata.Namespace ?? "" : session.Spec.Repository.Namespace;

    /// <summary><c>targetStatus.ref</c>: the session's target, its namespace defaulting to the session's as Stash fills it.</summary>
    public static TargetReference TargetOf(RestoreSession session)
    {
        var target = session.Spec.Target?.Ref ?? new TargetReference();
        return target with { Namespace = string.IsNullOrEmpty(target.Namespace) ? session.Metadata.Namespace : target.Namespace };
    }

    /// <summary>restore-pvc's session has no hooks: the restore Job runs them in its own run-hook containers.</summary>
    private sealed class HooksRunElsewhere : IHookExecutor
    {
        public Task<HookResult> ExecuteAsync(HookSpec hook, HookContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("restore-pvc runs no hooks; the restore Job's run-hook containers do");
    }
}
