using System.Text;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>What a component restore would do (<c>--dry-run</c>): component, Snapshot, restic repository and argv, secrets masked.</summary>
internal sealed record ComponentPlanReport(
    string Session,
    string Component,
    string ComponentChosenBy,
    string Snapshot,
    string SnapshotChosenBy,
    string? ResticRepository,
    string TargetDirectory,
    string ScratchDirectory,
    string? ResticVersion,
    IReadOnlyList<PlannedResticCall> ResticCalls,
    string? Note)
{
    /// <summary>Mirror mode (annotation <c>stash-restore/mirror</c>): the calls delete what the snapshot lacks under the paths they restore.</summary>
    public bool Mirror { get; init; }

    /// <summary>Why the calls carry no changes (restic older than 0.17, <c>--preview=false</c>); null when they were asked.</summary>
    public string? PreviewNote { get; init; }

    public string Render()
    {
        var text = new StringBuilder()
            .AppendLine($"Session:          {Session}")
            .AppendLine($"Component:        {Component} (chosen by {ComponentChosenBy})")
            .AppendLine($"Snapshot:         {Snapshot} (chosen by {SnapshotChosenBy})")
            .AppendLine($"Restic repository: {ResticRepository ?? "-"}")
            .AppendLine($"Target directory: {TargetDirectory}")
            .AppendLine($"Scratch directory: {ScratchDirectory}")
            .AppendLine($"restic:           {ResticVersion ?? "-"}")
            .AppendLine($"Mirror:           {(Mirror ? "yes: what the snapshot lacks under the restored paths is deleted" : "no")}")
            .AppendLine("Hooks:            none (KubeStash's operator runs HookTemplates)");
        foreach (var call in ResticCalls)
        {
            text.AppendLine($"- {call.Description}")
                .AppendLine($"  argv: {string.Join(' ', call.Argv)}")
                .AppendLine($"  env:  {string.Join(", ", call.EnvironmentNames)}")
                .AppendLine($"  target now: {DryRun.DescribeChanges(call, PreviewNote)}");
        }
        if (Note is not null)
            text.AppendLine($"Note: {Note}");
        return text.ToString();
    }
}

/// <summary>Resolves everything a component restore needs and describes it. Writes nothing.</summary>
internal sealed class KubeStashDryRun(IResticRestore restic, RestoreSettings settings, SecretMasker masker, TimeProvider clock, Serilog.ILogger log)
{
    public async Task<ComponentPlanReport> PlanAsync(KubeStashInputs inputs, ComponentRequest request, CancellationToken cancellationToken)
    {
        var (choice, filters) = KubeStashComponentRestore.Decide(inputs, request);
        var session = inputs.Session.Describe();
        var snapshot = inputs.Snapshot.Describe();
        if (choice.MissingFrom(inputs.Snapshot) is { } missing)
            return new ComponentPlanReport(session, choice.Name, choice.ChosenBy, snapshot, inputs.SnapshotChosenBy, null,
                settings.TargetDirectory, settings.ScratchDirectory, null, [], $"{missing}: the component would be recorded Failed");
        var job = KubeStashComponentJob.For(inputs, new RestoreUnit(KubeStashComponentJob.UnitKind, choice.Name), filters, settings, clock);
        var installation = await restic.LocateAsync(job.Restic.Location, cancellationToken).ConfigureAwait(false);
        var planned = await DryRun.PlanAsync(restic, job, installation, settings.Preview, masker, log, cancellationToken).ConfigureAwait(false);
        return new ComponentPlanReport(session, choice.Name, choice.ChosenBy, snapshot, inputs.SnapshotChosenBy, planned.Repository,
            settings.TargetDirectory, settings.ScratchDirectory, installation.Version.ToString(), planned.Calls, null)
        {
            Mirror = job.Options.Mirror,
            PreviewNote = planned.PreviewNote,
        };
    }
}
