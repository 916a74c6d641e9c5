using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>One restic call of a previewed host, and the snapshot it resolves to now.</summary>
/// <param name="Restores">What the call restores: <c>path /data of host host-1 (latest snapshot)</c> or <c>snapshot 1a2b3c4d</c>.</param>
/// <param name="Snapshot">The snapshot restic would restore now; null when none matches (see <paramref name="Problem"/>).</param>
internal sealed record PreviewedCall(string Restores, string? Path, string? SnapshotId, PreviewedSnapshot? Snapshot, string? Problem)
{
    /// <summary>What the call would do to the target as it is now: asked for the host whose target is local only (this executor's own host).</summary>
    public TargetChanges? Changes { get; init; }

    /// <summary>Why restic could not say what the call would change.</summary>
    public string? ChangesProblem { get; init; }
}

internal sealed record PreviewedSnapshot(string Id, string ShortId, string Host, IReadOnlyList<string> Paths, string Time);

/// <summary>One row of the preview: a host's rule and calls, or why nothing would be restored for it.</summary>
internal sealed record PreviewedHost(string Hostname, string? Rule, int? RuleIndex, string? SourceHost, IReadOnlyList<PreviewedCall> Calls, string? Note)
{
    /// <summary>This executor's own host: its target (<c>--target-dir</c>, else <c>/</c>) is the one on this machine, and its calls are previewed against it.</summary>
    public bool TargetIsLocal { get; init; }

    /// <summary>Why the local host's calls carry no changes (restic older than 0.17, <c>--preview=false</c>).</summary>
    public string? PreviewNote { get; init; }
}

internal sealed record HostsPreviewReport(string Session, string Repository, IReadOnlyList<PreviewedHost> Hosts);

/// <summary>
/// Previews every host of a session at once (<c>restore --dry-run --hosts …</c>): per host its rule,
/// source host, paths or snapshots, and the snapshot each restic call resolves to now (one read-only
/// <c>restic snapshots</c>), or why nothing matches. Writes nothing.
/// </summary>
internal sealed class StashHostsPreview(IResticRestore restic, RestoreSettings settings, SecretMasker masker, TimeProvider clock, Serilog.ILogger log)
{
    public const string AllHosts = "all";

    public async Task<HostsPreviewReport> PreviewAsync(StashInputs inputs, IReadOnlyList<string> hosts, CancellationToken cancellationToken)
    {
        var session = inputs.Session;
        // The listing reads the repository and must leave no cache behind.
        var previewSettings = settings with { EnableCache = false };
        var installation = await restic.LocateAsync(StashBackendLocation.Of(inputs.Repository), cancellationToken);
        IReadOnlyList<ResticSnapshot>? snapshots = null;
        string? listingProblem = null;
        var rows = new List<PreviewedHost>();
        var repository = "";
        var localHost = LocalHost(inputs);
        foreach (var host in hosts)
        {
            var rule = RuleResolver.Resolve(session, host);
            if (rule is null)
            {
                rows.Add(new PreviewedHost(host, null, null, null, [], $"no restore rule matches host \"{host}\": nothing would be restored"));
                continue;
            }
            var job = StashHostJob.For(inputs, new RestoreUnit(StashHostRestore.UnitKind, host), rule, previewSettings, clock);
            ResticPlan plan;
            try
            {
                plan = restic.Plan(job.Restic, job.Options, installation);
            }
            catch (InvalidInputException e)
            {
                rows.Add(new PreviewedHost(host, rule.Name, rule.Index, rule.SourceHost, [], $"the restore would be refused: {masker.Apply(e.Message)}"));
                continue;
            }
            repository = masker.Apply(plan.RepositoryDisplay);
            if (snapshots is null && listingProblem is null)
            {
                try
                {
                    snapshots = await restic.ListSnapshotsAsync(plan, masker, cancellationToken);
                }
                catch (RestoreFailedException e)
                {
                    listingProblem = e.Message;
                }
            }
            var calls = plan.Invocations.Select(call => Previewed(call, snapshots, listingProblem)).ToList();
            if (host != localHost)
            {
                rows.Add(new PreviewedHost(host, rule.Name, rule.Index, rule.SourceHost, calls, null));
                continue;
            }
            // Only this host's target is on this machine: what its calls would change there.
            var planned = await DryRun.PlanAsync(restic, job, installation, settings.Preview, masker, log, cancellationToken);
            calls = [.. calls.Select((call, i) => call with { Changes = planned.Calls[i].Changes, ChangesProblem = planned.Calls[i].ChangesProblem })];
            rows.Add(new PreviewedHost(host, rule.Name, rule.Index, rule.SourceHost, calls, null) { TargetIsLocal = true, PreviewNote = planned.PreviewNote });
        }
        return new HostsPreviewReport(StashObjects.Describe(session), repository, rows);
    }

    /// <summary>The host this executor restores as (<c>--host</c>, else from the pod), or null when it cannot tell.</summary>
    private static string? LocalHost(StashInputs inputs)
    {
        try
        {
            return HostIdentity.Resolve(inputs.Session.Spec.Target, inputs.Pod, inputs.HostOverride);
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }

    private PreviewedCall Previewed(ResticInvocation call, IReadOnlyList<ResticSnapshot>? snapshots, string? listingProblem)
    {
        var restores = masker.Apply(call.Description);
        if (snapshots is null)
            return new PreviewedCall(restores, call.Path, call.SnapshotId, null, listingProblem);
        if (ResticSnapshotList.Resolve(snapshots, call) is { } found)
            return new PreviewedCall(restores, call.Path, call.SnapshotId, new PreviewedSnapshot(found.Id, found.ShortId, found.Host, found.Paths, found.TimeText), null);
        var problem = call.SnapshotId is { } id
            ? $"no snapshot with id \"{id}\""
            : $"no snapshot of host \"{call.Host}\" with path \"{call.Path}\"";
        return new PreviewedCall(restores, call.Path, call.SnapshotId, null, problem);
    }

    /// <summary>
    /// The hosts to preview: a comma-separated list as given, or <c>all</c> — every host the target has,
    /// numbered by <paramref name="replicas"/> (offline) or the session's <c>spec.target.replicas</c>.
    /// </summary>
    /// <exception cref="InvalidInputException">The hosts cannot be listed.</exception>
    public static IReadOnlyList<string> Hosts(string hosts, RestoreSession session, int? replicas)
    {
        if (!string.Equals(hosts.Trim(), AllHosts, StringComparison.OrdinalIgnoreCase))
        {
            var named = hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
            return named.Count > 0 ? named : throw new InvalidInputException("--hosts names no host");
        }
        var target = session.Spec.Target;
        var kind = target?.Ref?.Kind ?? "";
        var count = replicas ?? target?.Replicas;
        var numbered = target?.VolumeClaimTemplates is { Count: > 0 } ? target.Replicas is not null : kind == "StatefulSet";
        if (kind == "DaemonSet" && target?.VolumeClaimTemplates is not { Count: > 0 })
            throw new InvalidInputException("--hosts all cannot list a DaemonSet's nodes; name the hosts with --hosts NODE,NODE…");
        if (!numbered)
            return [HostIdentity.Resolve(target, new PodIdentity(null, null, null, null, null), null)];
        if (count is not > 0)
            throw new InvalidInputException($"--hosts all needs the number of replicas of {kind} {target?.Ref?.Name}: pass --replicas N");
        static PodIdentity OrdinalPod(int i)
        {
            var ordinal = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new PodIdentity($"pod-{ordinal}", null, null, ordinal, null);
        }
        return [.. Enumerable.Range(0, count.Value).Select(i => HostIdentity.Resolve(target, OrdinalPod(i), null))];
    }
}
