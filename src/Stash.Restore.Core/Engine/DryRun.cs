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

    /// <summary>The variables as printed: <c>NAME=value</c> where the value is shown, <c>NAME</c> otherwise.</summary>
    public IEnumerable<string> EnvironmentShown() =>
        EnvironmentNames.Select(name => EnvironmentValues.TryGetValue(name, out var value) ? $"{name}={value}" : name);
}

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
