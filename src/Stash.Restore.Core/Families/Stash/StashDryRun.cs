using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>What a restore would do for this host, without doing any of it.</summary>
/// <param name="Rule">Where the host's rule sits in the manifest, e.g. <c>spec.target.rules[1]</c>.</param>
internal sealed record RestorePlanReport(
    string Session,
    string Hostname,
    int? RuleIndex,
    string? Rule,
    string? SourceHost,
    string TargetDirectory,
    string ScratchDirectory,
    string? ResticVersion,
    IReadOnlyList<PlannedResticCall> ResticCalls,
    IReadOnlyList<PlannedHook> Hooks,
    string? Note)
{
    /// <summary>Mirror mode (annotation <c>stash-restore/mirror</c>): the calls delete what the snapshot lacks under the paths they restore.</summary>
    public bool Mirror { get; init; }

    /// <summary>Why the calls carry no changes (restic older than 0.17, <c>--preview=false</c>); null when they were asked.</summary>
    public string? PreviewNote { get; init; }
}

/// <summary>Resolves everything a Stash host's restore needs and describes it (<c>--dry-run</c>). Writes nothing.</summary>
internal sealed class StashDryRun(IResticRestore restic, RestoreSettings settings, SecretMasker masker, TimeProvider clock, Serilog.ILogger log)
{
    public async Task<RestorePlanReport> PlanAsync(StashInputs inputs, CancellationToken cancellationToken)
    {
        var session = inputs.Session;
        var host = HostIdentity.Resolve(session.Spec.Target, inputs.Pod, inputs.HostOverride);
        var name = StashObjects.Describe(session);
        var rule = RuleResolver.Resolve(session, host);
        if (rule is null)
            return new RestorePlanReport(name, host, null, null, null, settings.TargetDirectory, settings.ScratchDirectory, null, [], [],
                $"no restore rule matches host \"{host}\": nothing would be restored");

        var job = StashHostJob.For(inputs, new RestoreUnit(StashHostRestore.UnitKind, host), rule, settings, clock);
        var installation = await restic.LocateAsync(job.Restic.Location, cancellationToken);
        var planned = await DryRun.PlanAsync(restic, job, installation, settings.Preview, masker, log, cancellationToken);
        return new RestorePlanReport(name, host, rule.Index, rule.Name, rule.SourceHost, settings.TargetDirectory, settings.ScratchDirectory,
            installation.Version.ToString(), planned.Calls, DryRun.Hooks(job.Hooks), null)
        {
            Mirror = job.Options.Mirror,
            PreviewNote = planned.PreviewNote,
        };
    }
}
