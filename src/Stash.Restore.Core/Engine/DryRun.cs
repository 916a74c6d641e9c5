using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// One restic call as a dry run shows it: argv with secrets masked, the variables it sets by name, and the
/// values of those that are never secret (the Go runtime's, <see cref="EnvironmentValues"/>).
/// </summary>
internal sealed record PlannedResticCall(string Description, IReadOnlyList<string> Argv, IReadOnlyList<string> EnvironmentNames)
{
    /// <summary>GOMEMLIMIT/GOMAXPROCS as restic gets them for the container's limits; no secret is ever here.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentValues { get; init; } = new Dictionary<string, string>();

    /// <summary>What the call would do to the target as it is now (restic ≥ 0.17); null when not asked or restic could not say.</summary>
    public TargetChanges? Changes { get; init; }

    /// <summary>Why restic could not say what the call would change (one masked line).</summary>
    public string? ChangesProblem { get; init; }

    /// <summary>The variables as printed: <c>NAME=value</c> where the value is shown, <c>NAME</c> otherwise.</summary>
    public IEnumerable<string> EnvironmentShown() =>
        EnvironmentNames.Select(name => EnvironmentValues.TryGetValue(name, out var value) ? $"{name}={value}" : name);
}

/// <summary>A unit's restic calls as a dry run shows them, and why their changes are missing when they are.</summary>
/// <param name="Repository">The restic repository, masked.</param>
/// <param name="PreviewNote">Set when the target was not previewed at all (restic too old, <c>--preview=false</c>).</param>
internal sealed record PlannedRestore(string Repository, IReadOnlyList<PlannedResticCall> Calls, string? PreviewNote);

/// <summary>A hook as a dry run shows it.</summary>
internal sealed record PlannedHook(string Stage, string Handler, string? Container, string? ExecutionPolicy);

/// <summary>How a dry run describes a unit's job, whatever the family. Pure: runs and writes nothing.</summary>
internal static class DryRun
{
    public static IReadOnlyList<PlannedResticCall> Calls(ResticPlan plan, SecretMasker masker) =>
        [.. plan.Invocations.Select(i => new PlannedResticCall(
            masker.Apply(i.Description),
            [.. ProcessRunner.CommandLine(i.Process, program => program).Select(masker.Apply)],
            [.. i.Process.Environment.Where(variable => variable.Value is not null).Select(variable => variable.Key).Order(StringComparer.Ordinal)])
        {
            EnvironmentValues = plan.GoRuntime.Variables,
        })];

    /// <summary>
    /// The unit's restic calls as they would run and, when <paramref name="preview"/> is set and restic is
    /// 0.17 or newer, what each would do to the target as it is now (a second plan of the same calls with
    /// <c>--dry-run</c>, asked of restic; nothing is written). Mirror mode's snapshot calls are completed
    /// with their snapshot's paths first, read from the repository.
    /// </summary>
    /// <exception cref="InvalidInputException">The restore would be refused (mirror mode as asked cannot work).</exception>
    public static async Task<PlannedRestore> PlanAsync(
        IResticRestore restic, UnitRestoreJob job, ResticInstallation installation, bool preview, SecretMasker masker, Serilog.ILogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restic);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(installation);
        var plan = restic.Plan(job.Restic, job.Options, installation);
        if (!preview)
            return new PlannedRestore(masker.Apply(plan.RepositoryDisplay), Calls(plan, masker), "not asked (--preview=false)");
        if (!installation.RestoreDryRun())
        {
            return new PlannedRestore(masker.Apply(plan.RepositoryDisplay), Calls(plan, masker),
                $"restic {installation.Version.ToString(3)} cannot say what the restore would change in the target: that needs restore --dry-run, restic 0.17 or newer");
        }
        var previewPlan = restic.Plan(job.Restic, job.Options.ForPreview(), installation);
        if (ResticMirror.NeedsScope(previewPlan))
        {
            IReadOnlyList<ResticSnapshot>? snapshots = null;
            string? problem = null;
            try
            {
                snapshots = await restic.ListSnapshotsAsync(previewPlan, masker, cancellationToken).ConfigureAwait(false);
            }
            catch (RestoreFailedException e)
            {
                problem = e.Message;
            }
            plan = ResticMirror.Scope(plan, snapshots, problem);
            previewPlan = ResticMirror.Scope(previewPlan, snapshots, problem);
        }
        var previews = await restic.PreviewAsync(previewPlan, log, cancellationToken).ConfigureAwait(false);
        var calls = Calls(plan, masker).Select((call, i) => call with
        {
            Changes = previews[i].Changes,
            ChangesProblem = previews[i].Problem,
        }).ToList();
        return new PlannedRestore(masker.Apply(plan.RepositoryDisplay), calls, null);
    }

    /// <summary>"0 new, 1 updated, 2 unchanged, 1 deleted file(s); 6 B to write", or why there is nothing to say.</summary>
    public static string DescribeChanges(PlannedResticCall call, string? previewNote)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Changes is { } c)
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{c.Restored} new, {c.Updated} updated, {c.Unchanged} unchanged, {c.Deleted} deleted file(s); {HumanReadable.Bytes(c.Bytes)} to write");
        return call.ChangesProblem ?? previewNote ?? "-";
    }

    public static IReadOnlyList<PlannedHook> Hooks(UnitHooks hooks)
    {
        var planned = new List<PlannedHook>();
        if (hooks.PreRestore is { } pre)
            planned.Add(new PlannedHook("preRestore", Handler(pre), pre.ContainerName, null));
        if (hooks.PostRestore is { } post)
            planned.Add(new PlannedHook("postRestore", Handler(post), post.ContainerName, post.ExecutionPolicy ?? HookPolicy.Always));
        return planned;
    }

    private static string Handler(HookSpec hook) =>
        hook.Exec is not null ? "exec"
        : hook.HttpGet is not null ? "httpGet"
        : hook.HttpPost is not null ? "httpPost"
        : hook.TcpSocket is not null ? "tcpSocket"
        : "none";
}
