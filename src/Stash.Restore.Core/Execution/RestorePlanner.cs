using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hosts;
using Stash.Restore.Core.Model;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Rules;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Execution;

/// <summary>One restic call as a dry run shows it: argv with secrets masked, the variables it sets by name only (never values).</summary>
internal sealed record PlannedResticCall(string Description, IReadOnlyList<string> Argv, IReadOnlyList<string> EnvironmentNames);

internal sealed record PlannedHook(string Stage, string Handler, string? Container, string? ExecutionPolicy);

/// <summary>What a restore would do for this host, without doing any of it.</summary>
internal sealed record RestorePlanReport(
    string Session,
    string Hostname,
    int? RuleIndex,
    string? SourceHost,
    string TargetDirectory,
    string ScratchDirectory,
    string? ResticVersion,
    IReadOnlyList<PlannedResticCall> ResticCalls,
    IReadOnlyList<PlannedHook> Hooks,
    string? Note);

/// <summary>Resolves everything a restore needs and describes it (<c>--dry-run</c>). Writes nothing.</summary>
internal sealed class RestorePlanner(IResticRestore restic, RestoreSettings settings, SecretMasker masker)
{
    public async Task<RestorePlanReport> PlanAsync(RestoreInputs inputs, CancellationToken cancellationToken)
    {
        masker.RegisterSecretData("backend Secret", inputs.RepositorySecret);
        var session = RestoreSessionValidator.EnsureValid(inputs.Session, Input.StashObjects.Describe(inputs.Session));
        var host = HostIdentity.Resolve(session.Spec.Target, inputs.Pod, inputs.HostOverride);
        var name = Input.StashObjects.Describe(session);
        var rule = RuleResolver.Resolve(session.Spec.Target?.Rules ?? [], host);
        if (rule is null)
            return new RestorePlanReport(name, host, null, null, settings.TargetDirectory, settings.ScratchDirectory, null, [], [],
                $"no restore rule matches host \"{host}\": nothing would be restored");

        var installation = await restic.LocateAsync(cancellationToken);
        var options = settings.ResticOptionsFor(session, resume: false);
        var plan = restic.Plan(StashRestoreRequest.For(rule, inputs.Repository, inputs.RepositorySecret), options, installation);
        masker.AddRange(plan.SecretValues);
        var calls = plan.Invocations
            .Select(i => new PlannedResticCall(
                i.Description,
                [.. Processes.ProcessRunner.CommandLine(i.Process, program => program).Select(masker.Apply)],
                [.. i.Process.Environment.Where(variable => variable.Value is not null).Select(variable => variable.Key).Order(StringComparer.Ordinal)]))
            .ToList();
        return new RestorePlanReport(name, host, rule.Index, rule.SourceHost, settings.TargetDirectory, settings.ScratchDirectory,
            installation.Version.ToString(), calls, Hooks(session.Spec.Hooks), null);
    }

    private static List<PlannedHook> Hooks(RestoreHooks? hooks)
    {
        var planned = new List<PlannedHook>();
        if (hooks?.PreRestore is { } pre)
            planned.Add(new PlannedHook("preRestore", Handler(pre), pre.ContainerName, null));
        if (hooks?.PostRestore is { } post)
            planned.Add(new PlannedHook("postRestore", Handler(post), post.ContainerName, post.ExecutionPolicy ?? "Always"));
        return planned;
    }

    private static string Handler(HookSpec hook) =>
        hook.Exec is not null ? "exec"
        : hook.HttpGet is not null ? "httpGet"
        : hook.HttpPost is not null ? "httpPost"
        : hook.TcpSocket is not null ? "tcpSocket"
        : "none";
}
